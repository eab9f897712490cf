namespace PgAllInOne;

/// <summary>
/// Marks a stateless worker grain: up to <see cref="MaxLocalWorkers"/> activations per silo, each call served by a
/// free local one. Zero means one per processor.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StatelessWorkerAttribute(int maxLocalWorkers = 0) : Attribute
{
    public int MaxLocalWorkers { get; } = maxLocalWorkers;
}
