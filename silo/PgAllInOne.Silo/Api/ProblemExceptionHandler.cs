using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.OrleansExtensions.DatabaseFailures;
using PgAllInOne.Silo.Api.OpenApi;
using Orleans.Runtime;
using Orleans.Storage;

namespace PgAllInOne.Silo.Api;

/// <summary>
/// Turns the grains' and the framework's exceptions into RFC 7807 problem details in the product's words: the field
/// that was wrong and what it accepts, never the .NET type, parameter or binder behind it.
/// </summary>
internal sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            ValidationException e => (400, "Invalid input", e.Message),
            BadHttpRequestException { StatusCode: 413 } => (413, "Body too large", "The request body is larger than the server accepts."),
            BadHttpRequestException { StatusCode: 415 } => (415, "Unsupported content type", StatusCodeProblems.UnsupportedContentType(context.Request)),
            BadHttpRequestException e => Describe(e, context),
            JsonException e => (400, "Invalid input", InvalidValue(e, context)),
            Npgsql.PostgresException { SqlState: "22021" or "22P05" } or DatabaseRejectedException { SqlState: "22021" or "22P05" } =>
                (400, "Invalid text", "Text and JSON values must not contain NUL characters."),
            NotFoundException e => (404, "Not found", e.Message),
            ConflictException e => (409, "Conflict", e.Message),
            VersionMismatchException e => (412, "Version mismatch", e.Message),
            IdempotencyKeyReusedException e => (422, "Idempotency key reused", e.Message),
            PgAllInOne.Postgres.IdempotencyMismatchException e => (422, "Idempotency key reused", e.Message),
            InconsistentStateException => (409, "Conflict", "The item was changed by another request at the same time; read it again and retry."),
            OverloadedException e => (503, "Overloaded", e.Message),
            _ when DatabaseFailure.IsOutcomeUnknownWithin(exception) => (503, "Outcome unknown", OutcomeUnknown),
            // The call reached a silo that stopped, or got no answer in time: a write may have been done all the same.
            SiloUnavailableException or TimeoutException when !HttpMethods.IsGet(context.Request.Method) => (503, "Outcome unknown", CallOutcomeUnknown),
            SiloUnavailableException or OrleansMessageRejectionException or TimeoutException => (503, "Unavailable", "The cluster could not serve this now; try again."),
            _ when DatabaseFailure.IsTransientWithin(exception) => (503, "Unavailable", "PostgreSQL cannot be reached now; try again."),
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

    private const string OutcomeUnknown =
        "This write was being committed when its answer was lost (the connection to PostgreSQL dropped, or synchronous backups stopped confirming commits), and whether it was stored could not be told in time: it may have been. Retry with the same Idempotency-Key: that stores it once, or answers with what was stored. Without one, read back what it would have changed before sending it again.";

    private const string CallOutcomeUnknown =
        "The silo that had this write stopped, or did not answer in time, so whether it was stored is not known. Retry with the same Idempotency-Key: that stores it once, or answers with what was stored. Without one, read back what it would have changed before sending it again.";

    // The framework's binders say which parameter failed in .NET terms; the parameter's name is the field a client sent,
    // and its type says what the field accepts.
    private static (int Status, string Title, string Detail) Describe(BadHttpRequestException exception, HttpContext context)
    {
        if (exception.InnerException is JsonException json)
        {
            return (400, "Invalid input", InvalidValue(json, context));
        }

        var message = exception.Message;
        if (BindFailure().Match(message) is { Success: true } bind)
        {
            var name = bind.Groups["name"].Value;
            return (400, "Invalid input", $"{name} must be {Form(bind.Groups["type"].Value)} (got '{HttpInput.Shorten(bind.Groups["value"].Value)}').");
        }

        if (Missing().Match(message) is { Success: true } missing)
        {
            return missing.Groups["body"].Success || message.Contains("body", StringComparison.Ordinal)
                ? (400, "Missing body", $"This request needs a body: {Body(context).Shape}, sent as application/json.")
                : (400, "Invalid input", $"{missing.Groups["name"].Value} is required.");
        }

        return exception.StatusCode switch
        {
            408 => (408, "Request timeout", "The request body arrived too slowly."),
            _ => (400, "Malformed request", "The request could not be read; /openapi/v1.json describes what each endpoint accepts."),
        };
    }

    /// <summary>What a query or path value of this .NET type accepts, in the product's words.</summary>
    private static string Form(string type) => type.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('>') switch
    {
        "DateTimeOffset" or "DateTime" => HttpInput.TimeForm,
        "int" or "Int32" or "long" or "Int64" => "a whole number",
        "double" or "Double" or "decimal" or "Decimal" => "a number",
        "bool" or "Boolean" => "true or false",
        _ => "a value of the documented form (see /openapi/v1.json)",
    };

    private static string InvalidValue(JsonException exception, HttpContext context) => HttpInput.InvalidValue(exception, Body(context));

    // The exception handler runs with the endpoint cleared; its feature keeps the endpoint that failed.
    private static BodyContract Body(HttpContext context) => BodyContract.Of(context.Features.Get<IExceptionHandlerFeature>()?.Endpoint);

    // Failed to bind parameter "Nullable<DateTimeOffset> from" from "abc".
    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]+) (?<name>[^" ]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    // Required parameter "int limit" was not provided from query string. / Implicit body inferred for parameter "request" but no body was provided.
    [GeneratedRegex("""^(Required parameter "(?:[^"]+ )?(?<name>[^" ]+)" was not provided|Implicit body inferred for parameter "(?<name>[^"]+)" but (?<body>no body) was provided)""")]
    private static partial Regex Missing();


    [LoggerMessage(EventId = LogEvents.RequestUnavailable, Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = LogEvents.RequestFailed, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, string method, string path, Exception exception);
}
