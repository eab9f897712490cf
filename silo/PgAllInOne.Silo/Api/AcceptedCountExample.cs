using PgAllInOne.Api.Contracts;
using PgAllInOne.Silo.Api.OpenApi;

namespace PgAllInOne.Silo.Api;

/// <summary>The example of the answer that the writes of several features share.</summary>
internal static class AcceptedCountExample
{
    public static readonly SchemaExample Example = SchemaExample.For<AcceptedCount>("""{"accepted":3}""");
}
