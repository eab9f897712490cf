using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PgAllInOne.Runtime.Hosting;
using PgAllInOne.Tests.Grains;

// A silo process holding the test grains, for tests that need silos in processes of their own.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddGrainRuntime(builder.Configuration).AddGrainsFrom(typeof(CounterGrain).Assembly);
await builder.Build().RunAsync();
