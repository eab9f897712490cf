using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Idempotency;
using PgAllInOne.GrainInterfaces.Users;
using PgAllInOne.Grains.Idempotency;
using PgAllInOne.Postgres;

namespace PgAllInOne.Grains.Users;

/// <summary>Inserts new users; the unique indexes decide who gets a username or an email.</summary>
[StatelessWorker]
public sealed class UserRegistryGrain(NpgsqlDataSource dataSource, [FromKeyedServices(DataClock.Key)] TimeProvider clock) : Grain, IUserRegistryGrain
{
    private const string UniqueViolation = "23505";

    public async Task<UserView> Create(NewUser user, IdempotencyKey? idempotencyKey = null)
    {
        UserValidation.Validate(user);
        var key = IdempotentRequests.User(idempotencyKey, user, clock.GetUtcNow());
        try
        {
            // With a key, the user's row and the key's (holding the user as created) commit together.
            return await IdempotencyKeys.WriteAsync(
                dataSource, key, (connection, transaction) => InsertAsync(connection, transaction, user),
                save: created => JsonSerializer.Serialize(created),
                load: stored => JsonSerializer.Deserialize<UserView>(stored)!);
        }
        catch (PostgresException exception) when (exception.SqlState == UniqueViolation)
        {
            throw exception.ConstraintName == "users_email_key"
                ? new ConflictException($"The email '{user.Email}' is already registered.")
                : new ConflictException($"The username '{user.Username}' is already taken.");
        }
    }

    private static async Task<UserView> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, NewUser user)
    {
        await using var command = new NpgsqlCommand(GrainsSql.Get("Users/InsertUser.sql"), connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user.Username });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user.Email });
        command.Parameters.Add(new NpgsqlParameter<JsonElement> { TypedValue = user.Profile ?? EmptyObject, NpgsqlDbType = NpgsqlDbType.Jsonb });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return UserRows.Read(reader);
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
}
