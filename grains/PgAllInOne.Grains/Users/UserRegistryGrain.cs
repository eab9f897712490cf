using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.GrainInterfaces.Users;

namespace PgAllInOne.Grains.Users;

/// <summary>Inserts new users; the unique indexes decide who gets a username or an email.</summary>
[StatelessWorker]
public sealed class UserRegistryGrain(NpgsqlDataSource dataSource) : Grain, IUserRegistryGrain
{
    private const string UniqueViolation = "23505";

    public async Task<UserView> Create(NewUser user)
    {
        UserValidation.Validate(user);
        await using var command = dataSource.CreateCommand(GrainsSql.Get("Users/InsertUser.sql"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user.Username });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user.Email });
        command.Parameters.Add(new NpgsqlParameter<JsonElement> { TypedValue = user.Profile ?? EmptyObject, NpgsqlDbType = NpgsqlDbType.Jsonb });
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return UserRows.Read(reader);
        }
        catch (PostgresException exception) when (exception.SqlState == UniqueViolation)
        {
            throw exception.ConstraintName == "users_email_key"
                ? new ConflictException($"The email '{user.Email}' is already registered.")
                : new ConflictException($"The username '{user.Username}' is already taken.");
        }
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
}
