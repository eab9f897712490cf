namespace PgAllInOne.Silo.Api.OpenApi;

/// <summary>Attaches a feature's contract to its endpoints, where the OpenAPI transformers and the problem mapper read it.</summary>
internal static class ContractEndpointExtensions
{
    /// <summary>The body the endpoint reads: its rules, example and shape.</summary>
    public static TBuilder WithBody<TBuilder>(this TBuilder builder, BodyContract body)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(body, new SchemaExample(body.SchemaName, body.Example));

    /// <summary>The rule of a query or path parameter.</summary>
    public static TBuilder WithParameter<TBuilder>(this TBuilder builder, string name, FieldRule rule)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ParameterRule(name, rule));

    /// <summary>What the document says of a body it cannot describe from the bound type alone.</summary>
    public static TBuilder WithRequestBodyDescription<TBuilder>(this TBuilder builder, RequestBodyDescription description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(description);

    /// <summary>Examples of the schemas the endpoint reads or writes.</summary>
    public static TBuilder WithExamples<TBuilder>(this TBuilder builder, params SchemaExample[] examples)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(examples);
}
