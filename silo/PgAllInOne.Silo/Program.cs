using Orleans.Dashboard;
using PgAllInOne.Hosting;
using PgAllInOne.Silo;
using PgAllInOne.Silo.Api;
using PgAllInOne.Silo.Dashboard;
using PgAllInOne.Silo.Telemetry;

// The content root (appsettings.json) is the silo's own folder, wherever it is started from; the working directory is
// the caller's (dotnet run keeps it, see the project file), and a relative Silo:DataDirectory is taken from there.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddPgAioEnvironmentVariables(args);
if (string.IsNullOrEmpty(builder.Configuration["Urls"]))
{
    // API.md's default address, also when the silo runs from a folder without its appsettings.json.
    builder.WebHost.UseUrls("http://127.0.0.1:8080");
}

builder.UseOrleans(silo => silo.UseSiloEndpoints(builder.Configuration).AddPgAllInOne(builder.Configuration).AddDashboard());
builder.Services.AddHttpApi(builder.Configuration);
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

app.MapHttpApi();
app.MapMetricsEndpoint();
app.MapDashboard();
app.MapHealthEndpoints();
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
