namespace PgAllInOne;

/// <summary>Marks a grain method that does not change state: read-only calls may interleave with each other.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute;
