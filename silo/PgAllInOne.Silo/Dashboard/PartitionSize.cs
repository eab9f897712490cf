namespace PgAllInOne.Silo.Dashboard;

/// <summary>A partition of <c>events</c> or <c>metrics</c>, its size on disk and its planner's row estimate.</summary>
public sealed record PartitionSize(string Table, string Partition, long Bytes, long Rows);
