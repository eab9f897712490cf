namespace PgAllInOne;

/// <summary>The identity of a grain: its type name and its key. Two grain types with the same key are different grains.</summary>
public readonly record struct GrainId(string Type, string Key)
{
    public override string ToString() => $"{Type}/{Key}";
}
