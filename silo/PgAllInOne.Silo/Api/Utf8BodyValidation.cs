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
            // Read once into memory (Kestrel's size limit applies while reading); the binder then reads this copy.
            var body = new MemoryStream(request.ContentLength is > 0 and <= int.MaxValue ? (int)request.ContentLength : 4096);
            context.Response.RegisterForDispose(body);
            await request.Body.CopyToAsync(body, context.RequestAborted);
            if (!Utf8.IsValid(body.GetBuffer().AsSpan(0, (int)body.Length)))
            {
                await Results.Problem("The body is not valid UTF-8.", statusCode: 400, title: "Malformed request").ExecuteAsync(context);
                return;
            }

            body.Position = 0;
            request.Body = body;
        }

        await next(context);
    });
}
