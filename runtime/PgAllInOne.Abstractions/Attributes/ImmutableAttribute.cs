namespace PgAllInOne;

/// <summary>Declares a type immutable so that it crosses the call boundary without being copied.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Parameter)]
public sealed class ImmutableAttribute : Attribute;
