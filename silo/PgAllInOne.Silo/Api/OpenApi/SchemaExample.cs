namespace PgAllInOne.Silo.Api.OpenApi;

/// <summary>Endpoint metadata: an example of a schema the endpoint reads or writes, by the schema's name.</summary>
internal sealed record SchemaExample(string SchemaName, string Json)
{
    /// <summary>An example of the schema the document generates for <typeparamref name="T"/> (named as the type).</summary>
    public static SchemaExample For<T>(string json) => new(typeof(T).Name, json);
}
