namespace PgAllInOne.GrainInterfaces.Records;

/// <summary>Queries across records (a stateless worker: any key).</summary>
[Alias("pgaio.IRecordQueryGrain")]
public interface IRecordQueryGrain : IGrainWithStringKey
{
    /// <summary>The records that match, in the query's order, at most its limit; expired ones are left out.</summary>
    Task<IReadOnlyList<StoredRecord>> Query(RecordQuery query);
}
