using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PgAllInOne.GrainInterfaces.Records;

namespace PgAllInOne.Grains.Records;

/// <summary>Runs record queries next to the caller: a stateless worker, any key.</summary>
[StatelessWorker]
public sealed class RecordQueryGrain(NpgsqlDataSource dataSource, [FromKeyedServices(DataClock.Key)] TimeProvider clock) : Grain, IRecordQueryGrain
{
    public async Task<IReadOnlyList<StoredRecord>> Query(RecordQuery query)
    {
        await using var command = RecordFilter.Build(dataSource, query, clock.GetUtcNow());
        var records = new List<StoredRecord>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            records.Add(RecordRows.Read(reader));
        }

        return records;
    }
}
