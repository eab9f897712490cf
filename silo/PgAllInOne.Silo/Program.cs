using Orleans.Dashboard;
using PgAllInOne.Hosting;
using PgAllInOne.Silo;
using PgAllInOne.Silo.Api;
using PgAllInOne.Silo.Api.Analytics;
using PgAllInOne.Silo.Api.Audit;
using PgAllInOne.Silo.Api.Archive;
using PgAllInOne.Silo.Api.Backups;
using PgAllInOne.Silo.Api.Cluster;
using PgAllInOne.Silo.Api.Devices;
using PgAllInOne.Silo.Api.Documents;
using PgAllInOne.Silo.Api.Keys;
using PgAllInOne.Silo.Api.Records;
using PgAllInOne.Silo.Api.Users;
using PgAllInOne.Silo.Dashboard;
using PgAllInOne.Silo.Health;
using PgAllInOne.Silo.Telemetry;

// The content root (appsettings.json) is the silo's own folder, wherever it is started from; the working directory is
// the caller's (dotnet run keeps it, see the project file), and a relative Silo:DataDirectory is taken from there.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddPgAioEnvironmentVariables(args);
try
{
    builder.Configuration.AddSecretFiles();
}
catch (SecretFileException unreadable)
{
    await Console.Error.WriteLineAsync(unreadable.Message);
    return 1;
}

if (string.IsNullOrEmpty(builder.Configuration["Urls"]))
{
    // API.md's default address, also when the silo runs from a folder without its appsettings.json.
    builder.WebHost.UseUrls("http://127.0.0.1:8080");
}

builder.UseOrleans(silo => silo.UseSiloEndpoints(builder.Configuration).AddPgAllInOne(builder.Configuration).AddDashboard());
builder.Services.AddHttpApi(builder.Configuration);
builder.Services.AddSiloHealthChecks();
builder.Services.AddSiloTelemetry(builder.Configuration);
builder.Services.AddSiloDashboard();

var app = builder.Build();

// A bad value stops the silo process with one line per problem and exit code 1, before anything starts; a host that
// runs this Program inside another process (WebApplicationFactory) gets the exceptions instead.
var ownProcess = System.Reflection.Assembly.GetEntryAssembly() == typeof(Program).Assembly;
if (ownProcess && ConfigurationProblems.Find(builder.Services, app.Services) is { Count: > 0 } problems)
{
    return ConfigurationFailure.Report(problems);
}

// The middleware every request passes, in order (routing first: which endpoint a request goes to is known to all).
app.UseRouting();
app.UseExceptionHandler();          // an exception becomes problem details in the product's words (ProblemExceptionHandler)
app.UseStatusCodePages();           // so does an answer without a body: unknown path 404, 405, 415 (StatusCodeProblems)
app.UseAuthentication();            // an API key (Authorization: Bearer or X-Api-Key) or a dashboard session
app.UseAuthorization();             // the endpoint's role: reader, writer or admin
app.UseRateLimiter();               // per API key (429), then the silo's capacity for /api requests over all keys (503)
app.UseAuditContext();              // who asks (key, client address, trace id) travels with the grain calls, for the audit trail
app.UseJsonBodyValidation();        // a JSON body that is not UTF-8, does not parse, nests too deep or cannot be stored: 400 before binding
app.UseDashboardSecurityHeaders();  // the pages under /dashboard load nothing from elsewhere

// The endpoints. No catch-all: routing answers an unknown path 404, a known path with another method 405 (with Allow)
// and a body of another type 415, and the status code pages give each its problem details.
app.MapOpenApi();
app.MapApiPage();
app.MapUsersApi();
app.MapDevicesApi();
app.MapDocumentsApi();
app.MapAnalyticsApi();
app.MapRecordsApi();
app.MapClusterApi();
app.MapKeysApi();
app.MapAuditApi();
app.MapBackupsApi();
app.MapArchiveApi();
app.MapMetricsEndpoint();
app.MapDashboard();
app.MapSiloHealthChecks();
try
{
    await app.RunAsync();
}
catch (Exception exception) when (ownProcess && ConfigurationProblems.Describe(exception) is { Count: > 0 } late)
{
    return ConfigurationFailure.Report(late);
}

return 0;

/// <summary>The silo's entry point; public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
