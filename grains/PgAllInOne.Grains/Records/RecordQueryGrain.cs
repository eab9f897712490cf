using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PgAllInOne.GrainInterfaces.Records;
using PgAllInOne.Postgres;

namespace PgAllInOne.Grains.Records;

/// <summary>Runs record queries next to the caller, on a standby when one is close enough: a stateless worker, any key.</summary>
[StatelessWorker]
public sealed class RecordQueryGrain(StandbyReads reads, [FromKeyedServices(DataClock.Key)] TimeProvider clock) : Grain, IRecordQueryGrain
{
    public Task<IReadOnlyList<StoredRecord>> Query(RecordQuery query)
    {
        var now = clock.GetUtcNow();
        return reads.ReadAsync(dataSource => QueryAsync(dataSource, query, now));
    }

    private static async Task<IReadOnlyList<StoredRecord>> QueryAsync(NpgsqlDataSource dataSource, RecordQuery query, DateTimeOffset now)
    {
        await using var command = RecordFilter.Build(dataSource, query, now);
        var records = new List<StoredRecord>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            records.Add(RecordRows.Read(reader));
        }

        return records;
    }
}
