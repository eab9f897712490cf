// A .NET app calling PgAllInOne's grains through its packages: creates a user, appends events and reads them back.
//   dotnet run --project client/PgAllInOne.Sample -- --ConnectionStrings:Postgres="<the cluster's PostgreSQL>"
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PgAllInOne.Client;
using PgAllInOne.GrainInterfaces.Users;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var connectionString = builder.Configuration.GetConnectionString("Postgres")
    ?? throw new InvalidOperationException("Name the cluster's PostgreSQL: --ConnectionStrings:Postgres=\"Host=...\".");
builder.Services.AddPgAllInOneClient(options =>
{
    options.ConnectionString = connectionString;
    options.ClusterId = builder.Configuration["ClusterId"] ?? "default";
});

using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();

var username = $"sample.{Guid.NewGuid():N}"[..20];
var created = await grains.GetGrain<IUserRegistryGrain>("sample").Create(new NewUser(username, $"{username}@example.com"));
var user = grains.GetGrain<IUserGrain>(created.Id);
await user.RecordEvents(
[
    new NewEvent("signup"),
    new NewEvent("page-view", JsonDocument.Parse("""{"page":"/pricing"}""").RootElement),
]);

var read = await user.Get() ?? throw new InvalidOperationException($"User {created.Id} was not found.");
var events = await user.Events(new EventQuery(Limit: 10));
Console.WriteLine($"user {read.Id} {read.Username}: {read.EventCount} events ({string.Join(", ", events.Select(e => e.Type).Order(StringComparer.Ordinal))})");
await host.StopAsync();
