using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using PgAllInOne.Postgres;
using PgAllInOne.Silo.Auth;

namespace PgAllInOne.Silo.Api;

public static class HttpApiServiceCollectionExtensions
{
    /// <summary>
    /// Adds the HTTP facade's services: API-key authentication and role policies, the first admin key, per-key rate
    /// limiting, body size and JSON depth limits, source-generated JSON and problem details for every error.
    /// </summary>
    public static IServiceCollection AddHttpApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        var api = configuration.GetSection(ApiOptions.SectionName).Get<ApiOptions>() ?? new ApiOptions();

        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<IPostgresNotificationHandler>(provider => provider.GetRequiredService<ApiKeyStore>());
        services.AddHostedService<AdminKeyBootstrap>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiRoles.Admin, policy => policy.RequireRole(ApiRoles.AtLeast(ApiRoles.Admin)))
            .AddPolicy(ApiRoles.Writer, policy => policy.RequireRole(ApiRoles.AtLeast(ApiRoles.Writer)))
            .AddPolicy(ApiRoles.Reader, policy => policy.RequireRole(ApiRoles.AtLeast(ApiRoles.Reader)));

        services.AddRateLimiter(limiter =>
        {
            // Each key's rate first (429), then the silo's capacity over all keys (503): what cannot be served soon is
            // refused at once instead of queuing without end. Health, metrics and the dashboard are never limited.
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    context.User.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim) is { } keyId
                        ? RateLimitPartition.GetTokenBucketLimiter(keyId, _ => new TokenBucketRateLimiterOptions
                        {
                            TokenLimit = api.RateLimitBurst,
                            TokensPerPeriod = api.RateLimitPerSecond,
                            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                            QueueLimit = 0,
                        })
                        : RateLimitPartition.GetNoLimiter("anonymous")),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    context.Request.Path.StartsWithSegments("/api")
                        ? RateLimitPartition.GetConcurrencyLimiter("api", _ => new ConcurrencyLimiterOptions
                        {
                            PermitLimit = api.MaxConcurrentRequests,
                            QueueLimit = api.RequestQueueLimit,
                            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                        })
                        : RateLimitPartition.GetNoLimiter("operations")));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var response = context.HttpContext.Response;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait))
                {
                    var retryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                    response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    await Results.Problem($"This API key sent more than {api.RateLimitPerSecond} requests per second; retry after {retryAfter} s.", statusCode: 429, title: "Too many requests")
                        .ExecuteAsync(context.HttpContext);
                    return;
                }

                response.Headers.RetryAfter = "1";
                await Results.Problem(
                        $"The silo is working on {api.MaxConcurrentRequests} requests with {api.RequestQueueLimit} more waiting; retry after 1 s.", statusCode: 503, title: "Overloaded")
                    .ExecuteAsync(context.HttpContext);
            };
        });

        services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = api.MaxRequestBodyBytes);
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true); // bad binds reach the problem mapper
        services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
            options.SerializerOptions.MaxDepth = api.MaxJsonDepth;
            options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        services.AddProblemDetails(options => options.CustomizeProblemDetails = StatusCodeProblems.Customize);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi(options =>
        {
            // The dashboard's own feeds are the dashboard's business, not the HTTP contract.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("dashboard", StringComparison.Ordinal) != true;
            options.AddDocumentTransformer<OpenApi.ApiDocumentTransformer>();
            options.AddOperationTransformer<OpenApi.ApiOperationTransformer>();
        });
        return services;
    }
}
