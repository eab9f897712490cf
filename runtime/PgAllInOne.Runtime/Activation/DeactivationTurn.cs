using PgAllInOne.Runtime.Invocation;
using PgAllInOne.Runtime.Telemetry;

namespace PgAllInOne.Runtime.Activation;

/// <summary>The last turn of an activation: stop its timers, run OnDeactivateAsync, leave the catalog.</summary>
internal sealed class DeactivationTurn : Turn
{
    public override bool IsLifecycle => true;

    public override async Task ExecuteAsync(ActivationData activation)
    {
                try
        {
            activation.DisposeTimers();
            using var timeout = new CancellationTokenSource(activation.Catalog.Options.DeactivationTimeout);
            await activation.Instance!.OnDeactivateAsync(activation.DeactivationReason, timeout.Token);
        }
        catch (Exception exception)
        {
            activation.Log.DeactivationFailed(activation.Id, exception);
        }
        finally
        {
            RuntimeTelemetry.ActivationChanged(activation.Id.Type, -1);
            activation.CompleteDeactivation();
        }
    }
}
