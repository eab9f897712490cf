namespace PgAllInOne.Tests.Grains;

public interface ICallChainGrain : IGrainWithStringKey
{
    /// <summary>Calls <paramref name="peer"/>, which calls back into this grain.</summary>
    Task<string> CallPeerThatCallsBack(string peer);

    Task<string> CallBack(string caller);

    Task<string> Hello();

    Task<string> GreetPeer(string peer);

    Task Fail(string message);

    Task Sleep(int milliseconds, CancellationToken cancellationToken);
}

public sealed class GrainTestException(string message) : Exception(message);

public sealed class CallChainGrain : Grain, ICallChainGrain
{
    public Task<string> CallPeerThatCallsBack(string peer) =>
        GrainFactory.GetGrain<ICallChainGrain>(peer).CallBack(GetPrimaryKeyString());

    public Task<string> CallBack(string caller) => GrainFactory.GetGrain<ICallChainGrain>(caller).Hello();

    public Task<string> Hello() => Task.FromResult($"hello from {GetPrimaryKeyString()}");

    public async Task<string> GreetPeer(string peer) =>
        $"{GetPrimaryKeyString()} got: {await GrainFactory.GetGrain<ICallChainGrain>(peer).Hello()}";

    public Task Fail(string message) => throw new GrainTestException(message);

    public Task Sleep(int milliseconds, CancellationToken cancellationToken) => Task.Delay(milliseconds, cancellationToken);
}
