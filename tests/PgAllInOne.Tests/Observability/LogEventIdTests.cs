using System.Reflection;
using Microsoft.Extensions.Logging;

namespace PgAllInOne.Tests.Observability;

/// <summary>The silo host's log messages take their event ids from its one list, and no two share one.</summary>
public sealed class LogEventIdTests
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    [Fact]
    public void EveryLogMessageOfTheSiloHost_HasItsOwnEventId_FromLogEvents()
    {
        var assembly = typeof(PgAllInOne.Silo.Api.ApiOptions).Assembly;
        var listed = assembly.GetType("PgAllInOne.Silo.LogEvents", throwOnError: true)!
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => (int)f.GetRawConstantValue()!, f => f.Name); // throws if two constants share a value
        var messages = assembly.GetTypes()
            .SelectMany(t => t.GetMethods(Declared))
            .Select(m => (Method: $"{m.DeclaringType!.Name}.{m.Name}", m.GetCustomAttribute<LoggerMessageAttribute>()?.EventId))
            .Where(m => m.EventId is not null)
            .ToList();

        Assert.True(messages.Count >= 6, $"only {messages.Count} log messages found");
        var shared = messages.GroupBy(m => m.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}").ToList();
        Assert.True(shared.Count == 0, "event ids used twice: " + string.Join("; ", shared));

        // Grain storage leaves this assembly for a library of its own, which keeps its own list.
        var unlisted = messages.Where(m => !listed.ContainsKey(m.EventId!.Value) && !m.Method.StartsWith("StateWriteBatcher.", StringComparison.Ordinal)).ToList();
        Assert.True(unlisted.Count == 0, "not in LogEvents: " + string.Join(", ", unlisted.Select(m => $"{m.Method} ({m.EventId})")));
    }
}
