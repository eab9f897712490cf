using System.Reflection;
using Microsoft.Extensions.Logging;

namespace PgAllInOne.Tests.Observability;

/// <summary>
/// The libraries' log messages take ids from their assembly's range (each assembly's LogEvents), so that no two log
/// messages of the product share an event id, whichever assembly they are in.
/// </summary>
public sealed class LibraryLogEventIdTests
{
    [Fact]
    public void NoTwoLogMessages_ShareAnEventId_AndEachLibraryKeepsToItsRange()
    {
        var ranges = new Dictionary<Assembly, (int From, int To)>
        {
            [typeof(PgAllInOne.Postgres.PostgresDatabase).Assembly] = (1, 999),
            [typeof(PgAllInOne.Grains.GrainsAssembly).Assembly] = (1000, 1999),
            [typeof(Program).Assembly] = (2000, 2999),
        };
        var messages = new[]
            {
                typeof(PgAllInOne.Postgres.PostgresDatabase).Assembly,
                typeof(PgAllInOne.OrleansExtensions.DatabaseFailures.DatabaseFailure).Assembly,
                typeof(PgAllInOne.Grains.GrainsAssembly).Assembly,
                typeof(PgAllInOne.Hosting.SiloBuilderExtensions).Assembly,
                typeof(Program).Assembly,
            }
            .SelectMany(assembly => assembly.GetTypes()
                .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                .Select(method => (Assembly: assembly, Method: $"{method.DeclaringType!.Name}.{method.Name}", Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
                .Where(m => m.Attribute is not null)
                .Select(m => (m.Assembly, m.Method, Id: m.Attribute!.EventId)))
            .ToList();

        Assert.NotEmpty(messages);
        Assert.Empty(messages.GroupBy(m => m.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}"));
        Assert.All(messages.Where(m => ranges.ContainsKey(m.Assembly)), m => Assert.InRange(m.Id, ranges[m.Assembly].From, ranges[m.Assembly].To));
    }
}
