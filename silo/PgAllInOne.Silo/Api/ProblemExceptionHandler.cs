using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using PgAllInOne.GrainInterfaces.Errors;
using Orleans.Runtime;
using Orleans.Storage;

namespace PgAllInOne.Silo.Api;

/// <summary>Turns the grains' and the framework's exceptions into RFC 7807 problem details with the reason as detail.</summary>
internal sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            ValidationException e => (400, "Invalid input", e.Message),
            BadHttpRequestException { StatusCode: 413 } => (413, "Body too large", "The request body is larger than the server accepts."),
            BadHttpRequestException e => (400, "Malformed request", Describe(e)),
            JsonException e => (400, "Malformed JSON", e.Message),
            Npgsql.PostgresException { SqlState: "22021" or "22P05" } or DatabaseRejectedException { SqlState: "22021" or "22P05" } =>
                (400, "Invalid text", "Text and JSON values must not contain NUL characters."),
            NotFoundException e => (404, "Not found", e.Message),
            ConflictException e => (409, "Conflict", e.Message),
            VersionMismatchException e => (412, "Version mismatch", e.Message),
            InconsistentStateException e => (409, "Conflict", e.Message),
            OverloadedException e => (503, "Overloaded", e.Message),
            SiloUnavailableException or OrleansMessageRejectionException or TimeoutException => (503, "Unavailable", "The cluster could not serve this now; try again."),
            _ when IsTransientDatabaseFailure(exception) => (503, "Unavailable", "PostgreSQL cannot be reached now; try again."),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, "Cancelled", "The client went away."),
            _ => (500, "Internal error", "The server failed; the error is logged."),
        };
        if (status == 503)
        {
            LogUnavailable(logger, context.Request.Method, context.Request.Path, exception.Message);
        }
        else if (status >= 500)
        {
            LogFailed(logger, context.Request.Method, context.Request.Path, exception);
        }

        if (context.Response.HasStarted)
        {
            return true;
        }

        context.Response.Clear();
        if (status == 503)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        await Results.Problem(detail, statusCode: status, title: title).ExecuteAsync(context);
        return true;
    }

    // The framework's message names the parameter and the problem; inner JSON errors say where.
    private static string Describe(BadHttpRequestException exception) =>
        exception.InnerException is JsonException json ? $"{exception.Message} {json.Message}" : exception.Message;

    // Ours come from grains (Orleans' storage may wrap them); Npgsql knows which failures pass (no connection, the server starting or shutting down, too many connections,
    // a serialization failure), and a failure that is not the server's answer is one of the connection; the grains may
    // hand them on wrapped.
    private static bool IsTransientDatabaseFailure(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is DatabaseUnavailableException or Npgsql.NpgsqlException { IsTransient: true } or (Npgsql.NpgsqlException and not Npgsql.PostgresException))
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 2100, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, string method, string path, Exception exception);
}
