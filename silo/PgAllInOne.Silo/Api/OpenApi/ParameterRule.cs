namespace PgAllInOne.Silo.Api.OpenApi;

/// <summary>Endpoint metadata: the rule of one query or path parameter (an endpoint's own rule wins over its group's).</summary>
internal sealed record ParameterRule(string Name, FieldRule Rule);
