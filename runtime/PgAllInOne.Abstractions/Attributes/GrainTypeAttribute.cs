namespace PgAllInOne;

/// <summary>Names a grain type explicitly (stored in <c>grain_state.grain_type</c>); the default is the class name without "Grain", lower-cased.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
