namespace PgAllInOne.GrainInterfaces.Records;

/// <summary>Queries across records (a stateless worker: any key).</summary>
public interface IRecordQueryGrain : IGrainWithStringKey
{
    Task<IReadOnlyList<StoredRecord>> Query(RecordQuery query);
}
