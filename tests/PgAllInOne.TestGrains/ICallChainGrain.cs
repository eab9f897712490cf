namespace PgAllInOne.Tests.Grains;

public interface ICallChainGrain : IGrainWithStringKey
{
    /// <summary>Calls <paramref name="peer"/>, which calls back into this grain.</summary>
    Task<string> CallPeerThatCallsBack(string peer);

    Task<string> CallBack(string caller);

    /// <summary>Calls <paramref name="peer"/>, which calls back into this grain's interleaving <see cref="HelloInterleaved"/>.</summary>
    Task<string> CallPeerThatCallsBackInterleaved(string peer);

    Task<string> CallBackInterleaved(string caller);

    [AlwaysInterleave]
    Task<string> HelloInterleaved();

    /// <summary>Calls <paramref name="peer"/> back into this grain with call-chain reentrancy allowed.</summary>
    Task<string> CallPeerThatCallsBackReentrantly(string peer);

    /// <summary>Calls itself: a cycle of one.</summary>
    Task<string> CallSelf();

    Task<string> Hello();

    Task<string> GreetPeer(string peer);

    /// <summary>Calls the first grain of <paramref name="path"/> with the rest of it, and so on; the last one answers.</summary>
    Task<string> Relay(string[] path);

    /// <summary>Greets both peers, one after the other, in one request.</summary>
    Task<string> GreetBoth(string first, string second);

    Task Fail(string message);

    Task Sleep(int milliseconds, CancellationToken cancellationToken);
}

[GenerateSerializer, Alias("tests.GrainTestException")]
public sealed class GrainTestException : Exception
{
    public GrainTestException() { }

    public GrainTestException(string message) : base(message) { }

    public GrainTestException(string message, Exception inner) : base(message, inner) { }
}

public sealed class CallChainGrain : Grain, ICallChainGrain
{
    public Task<string> CallPeerThatCallsBack(string peer) =>
        GrainFactory.GetGrain<ICallChainGrain>(peer).CallBack(this.GetPrimaryKeyString());

    public Task<string> CallBack(string caller) => GrainFactory.GetGrain<ICallChainGrain>(caller).Hello();

    public Task<string> CallPeerThatCallsBackInterleaved(string peer) =>
        GrainFactory.GetGrain<ICallChainGrain>(peer).CallBackInterleaved(this.GetPrimaryKeyString());

    public Task<string> CallBackInterleaved(string caller) => GrainFactory.GetGrain<ICallChainGrain>(caller).HelloInterleaved();

    public Task<string> HelloInterleaved() => Hello();

    public async Task<string> CallPeerThatCallsBackReentrantly(string peer)
    {
        using var reentrancy = RequestContext.AllowCallChainReentrancy();
        return await GrainFactory.GetGrain<ICallChainGrain>(peer).CallBack(this.GetPrimaryKeyString());
    }

    public Task<string> CallSelf() => GrainFactory.GetGrain<ICallChainGrain>(this.GetPrimaryKeyString()).Hello();

    public Task<string> Hello() => Task.FromResult($"hello from {this.GetPrimaryKeyString()}");

    public async Task<string> GreetPeer(string peer) =>
        $"{this.GetPrimaryKeyString()} got: {await GrainFactory.GetGrain<ICallChainGrain>(peer).Hello()}";

    public async Task<string> Relay(string[] path) =>
        path.Length == 0 ? $"end at {this.GetPrimaryKeyString()}" : await GrainFactory.GetGrain<ICallChainGrain>(path[0]).Relay(path[1..]);

    public async Task<string> GreetBoth(string first, string second) =>
        $"{await GreetPeer(first)}; {await GreetPeer(second)}";

    public Task Fail(string message) => throw new GrainTestException(message);

    public Task Sleep(int milliseconds, CancellationToken cancellationToken) => Task.Delay(milliseconds, cancellationToken);
}
