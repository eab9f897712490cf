using System.Text.Unicode;

namespace PgAllInOne.Silo.Api;

/// <summary>
/// Refuses JSON bodies that are not valid UTF-8 before anything binds them: System.Text.Json checks string contents
/// only when they are read, so a JsonElement passed through whole could otherwise reach the database mangled.
/// </summary>
internal static class Utf8BodyValidation
{
    public static IApplicationBuilder UseUtf8BodyValidation(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (request.ContentLength is not 0 && request.HasJsonContentType())
        {
            request.EnableBuffering();
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, context.RequestAborted);
            request.Body.Position = 0;
            if (!Utf8.IsValid(body.GetBuffer().AsSpan(0, (int)body.Length)))
            {
                await Results.Problem("The body is not valid UTF-8.", statusCode: 400, title: "Malformed request").ExecuteAsync(context);
                return;
            }
        }

        await next(context);
    });
}
