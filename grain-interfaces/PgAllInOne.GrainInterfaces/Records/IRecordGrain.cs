namespace PgAllInOne.GrainInterfaces.Records;

/// <summary>One record of the JSON record store (key: the record id).</summary>
[Alias("pgaio.IRecordGrain")]
public interface IRecordGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the record (only at the expected version, when given); returns it as stored.</summary>
    Task<StoredRecord> Put(RecordWrite write);

    /// <summary>The record, or null when there is none or it has expired.</summary>
    [ReadOnly]
    Task<StoredRecord?> Get();

    /// <summary>True when a record was deleted.</summary>
    Task<bool> Delete();
}
