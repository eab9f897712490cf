using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>Keeps every log line in memory, as "Level Category[EventId]: message".</summary>
internal sealed class LogLines : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogLines lines, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Lines.Enqueue($"{logLevel} {category}[{eventId.Id}]: {formatter(state, exception)}");
    }
}
