using System.Diagnostics;
using System.Text.Json;
using PgAllInOne.Runtime.Invocation;
using PgAllInOne.Runtime.Serialization;
using PgAllInOne.Runtime.Telemetry;

namespace PgAllInOne.Runtime.Messaging;

/// <summary>Answers calls arriving on the silo's port: the manifest for clients, and grain calls served on this silo.</summary>
internal sealed class SiloRequestHandler(GrainTypeRegistry registry, IGrainCallDispatcher dispatcher)
{
    public async Task<GrainResponse> HandleAsync(GrainRequest request)
    {
        Telemetry.RuntimeTelemetry.MessageReceived();
        if (request.Method == GrainManifest.MethodKey)
        {
            return new GrainResponse(JsonSerializer.SerializeToElement(registry.Manifest, DeepCopier.Options));
        }

        var method = registry.FindMethod(request.Method);
        if (method is null)
        {
            return GrainResponse.Failure(new ArgumentException($"Unknown grain method '{request.Method}': the caller and this silo hold different grain interfaces."));
        }

        // The caller's span, continued here, becomes the parent of the grain call's span.
        ActivityContext.TryParse(request.TraceParent, null, out var parent);
        using var activity = RuntimeTelemetry.ActivitySource.StartActivity($"{method.ActivityName} (received)", ActivityKind.Server, parent);
        return await method.InvokeFromWireAsync(dispatcher, request);
    }
}
