using PgAllInOne.Runtime.Invocation;
using PgAllInOne.Runtime.Telemetry;

namespace PgAllInOne.Runtime.Activation;

/// <summary>The first turn of every activation: create the grain, read its state, then run OnActivateAsync.</summary>
internal sealed class ActivationTurn : Turn
{
    public override bool IsLifecycle => true;

    public override async Task ExecuteAsync(ActivationData activation)
    {
                try
        {
            using var timeout = new CancellationTokenSource(activation.Catalog.Options.ActivationTimeout);
            activation.Instance = activation.Catalog.Activator.Create(activation);
            foreach (var state in activation.States)
            {
                await state.ReadStateAsync(timeout.Token);
            }

            await activation.Instance.OnActivateAsync(timeout.Token);
            RuntimeTelemetry.ActivationChanged(activation.Id.Type, +1);
            activation.CompleteActivation(null);
        }
        catch (Exception exception)
        {
            activation.Log.ActivationFailed(activation.Id, exception);
            activation.CompleteActivation(exception);
        }
    }
}
