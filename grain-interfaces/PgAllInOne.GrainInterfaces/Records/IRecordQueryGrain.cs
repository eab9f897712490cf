namespace PgAllInOne.GrainInterfaces.Records;

/// <summary>Queries across records (a stateless worker: any key).</summary>
[Alias("pgaio.IRecordQueryGrain")]
public interface IRecordQueryGrain : IGrainWithStringKey
{
    Task<IReadOnlyList<StoredRecord>> Query(RecordQuery query);
}
