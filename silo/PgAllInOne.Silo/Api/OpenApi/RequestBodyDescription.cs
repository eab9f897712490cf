using Microsoft.OpenApi;

namespace PgAllInOne.Silo.Api.OpenApi;

/// <summary>
/// Endpoint metadata: what the document says of a body the generator cannot describe by itself (one read as raw JSON,
/// or an array with bounds): its description, and the content <see cref="Describe"/> writes.
/// </summary>
internal sealed record RequestBodyDescription(string Description, Action<OpenApiRequestBody, OpenApiDocument?> Describe);
