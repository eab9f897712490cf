using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Idempotency;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Grains.Audit;
using PgAllInOne.Grains.Idempotency;
using PgAllInOne.Grains.Json;
using PgAllInOne.OrleansExtensions.DatabaseFailures;
using PgAllInOne.Postgres;
using PgAllInOne.Postgres.Audit;

namespace PgAllInOne.Grains.Users;

/// <summary>
/// One user, owning its row of <c>users</c>: profile changes are version-checked, events are appended with the count
/// in the same transaction (group-committed with other users' events), so the count is exact whatever the concurrency and whichever activation wrote.
/// Event listings may run on a standby, but only on one that holds this grain's last write (read-your-writes): the
/// activation's writes are acknowledged here, so the grain knows when its last one was, and reads older than that
/// nowhere; a new activation counts its own start as a write, since another activation may have written just before.
/// </summary>
public sealed class UserGrain(NpgsqlDataSource dataSource, EventWriter writer, StandbyReads reads, [FromKeyedServices(DataClock.Key)] TimeProvider clock) : Grain, IUserGrain
{
    private UserView? user;
    private long id;
    private DateTimeOffset writtenAt;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        id = this.GetPrimaryKeyLong();
        writtenAt = reads.Now();
        if (id > 0)
        {
            user = await DatabaseFailure.TranslatedAsync(() => ReadAsync(cancellationToken));
        }
    }

    public async Task<UserView?> Get() => user ?? await FindAsync();

    public async Task<UserView> PatchProfile(JsonElement mergePatch, long? expectedVersion = null)
    {
        UserValidation.RequireObject(mergePatch, "patch");
        for (var attempt = 1; ; attempt++)
        {
            var current = user ?? await FindAsync() ?? throw NotFound();
            if (expectedVersion is { } expected && expected != current.Version)
            {
                throw new VersionMismatchException($"User {id} is at version {current.Version}, not {expected}.");
            }

            if (await UpdateProfileAsync(current, JsonMergePatch.Apply(current.Profile, mergePatch)) is { } updated)
            {
                user = updated;
                writtenAt = reads.Now();
                return user;
            }

            // The row is not at the version this activation holds: another activation (during a membership change) wrote
            // first, or a write of ours whose commit was cut (a failover) was stored after all. Reload; a patch that named
            // no version applies to what is stored, one that named a version is refused.
            user = await ReadAsync(CancellationToken.None);
            if (expectedVersion is not null || attempt == 3)
            {
                throw new VersionMismatchException($"User {id} changed meanwhile; it is now at version {user?.Version}.");
            }
        }
    }

    private async Task<UserView?> UpdateProfileAsync(UserView current, JsonElement profile)
    {
        UserValidation.RequireObject(profile, "profile");
        UserView? updated = null;
        await AuditTrail.RunAsync(dataSource, AuditActions.UserProfileReplaced, $"users/{id}", AuditRequestContext.Current, async connection =>
        {
            await using var command = new NpgsqlCommand(GrainsSql.Get("Users/UpdateProfile.sql"), connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
            command.Parameters.Add(new NpgsqlParameter<JsonElement> { TypedValue = profile, NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = current.Version });
            await using var reader = await command.ExecuteReaderAsync();
            updated = await reader.ReadAsync() ? UserRows.Read(reader) : null;
            return updated is not null;
        });
        return updated;
    }

    public async Task<int> RecordEvents(IReadOnlyList<NewEvent> events, IdempotencyKey? idempotencyKey = null)
    {
        _ = user ?? await FindAsync() ?? throw NotFound();
        var normalized = UserValidation.Normalize(events);
        var now = clock.GetUtcNow();
        var key = IdempotentRequests.Events(idempotencyKey, id, events, now);
        try
        {
            user = await writer.WriteAsync(id, normalized, now, key);
            writtenAt = reads.Now();
        }
        catch (Exception exception) when (key is not null && IdempotencyKeys.IsTaken(exception))
        {
            // A repeat: its events were stored with the key (by this activation or an earlier one, whose count the row has).
            if (await IdempotencyKeys.RepeatAsync(dataSource, key) is not { } stored)
            {
                throw; // taken, yet purged since: the window has passed
            }

            return IdempotentRequests.Count(stored);
        }
        catch (CommitOutcomeUnknownException)
        {
            // The events may be stored: the next activation reads the count from the row rather than trust this one's.
            DeactivateOnIdle();
            throw;
        }

        return events.Count;
    }

    public async Task<IReadOnlyList<UserEvent>> Events(EventQuery query)
    {
        _ = user ?? await FindAsync() ?? throw NotFound();
        UserValidation.Validate(query);
        return await reads.ReadAsync(source => ReadEventsAsync(source, query), writtenAt);
    }

    private async Task<IReadOnlyList<UserEvent>> ReadEventsAsync(NpgsqlDataSource dataSource, EventQuery query)
    {
        await using var command = dataSource.CreateCommand(GrainsSql.Get("Users/ReadEvents.sql"));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.From?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.To?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.Type ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Limit });
        var events = new List<UserEvent>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            events.Add(new UserEvent(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<JsonElement>(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return events;
    }

    private async Task<UserView?> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(GrainsSql.Get("Users/ReadUser.sql"));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? UserRows.Read(reader) : null;
    }

    // The registry creates users, not this grain: an activation that found no row looks again whenever it is asked, so
    // a user created after it (say, polled for before its creation) is found, never a missing row remembered.
    private async Task<UserView?> FindAsync() => user = await DatabaseFailure.TranslatedAsync(() => ReadAsync(CancellationToken.None));

    private NotFoundException NotFound() => new($"There is no user {id}.");
}
