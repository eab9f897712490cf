using System.Collections.Concurrent;

namespace PgAllInOne.Tests.Grains;

public sealed class TallyState
{
    public long Total { get; set; }

    public List<string> Notes { get; set; } = [];
}

[GenerateSerializer, Alias("tests.TallySnapshot")]
public sealed record TallySnapshot([property: Id(0)] long Total, [property: Id(1)] string? ETag, [property: Id(2)] bool RecordExists, [property: Id(3)] int Activations, [property: Id(4)] IReadOnlyList<string> Notes);

public interface IStatefulGrain : IGrainWithStringKey
{
    Task<long> Add(long amount, string? note = null);

    [ReadOnly]
    Task<TallySnapshot> Get();

    Task Clear();

    Task Deactivate();

    /// <summary>Adds to the state in memory only; OnDeactivateAsync writes it.</summary>
    Task AddWithoutWriting(long amount);
}

public sealed class StatefulGrain([PersistentState("tally")] IPersistentState<TallyState> tally) : Grain, IStatefulGrain
{
    /// <summary>What each activation saw when OnActivateAsync ran, per grain key.</summary>
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Lifecycle = new();

    private static readonly ConcurrentDictionary<string, int> ActivationCounts = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ActivationCounts.AddOrUpdate(this.GetPrimaryKeyString(), 1, (_, n) => n + 1);
        Log($"activate total={tally.State.Total} etag={tally.Etag}");
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Log($"deactivate {reason}");
        if (dirty)
        {
            await tally.WriteStateAsync(cancellationToken);
        }
    }

    private bool dirty;

    public async Task<long> Add(long amount, string? note = null)
    {
        tally.State.Total += amount;
        if (note is not null)
        {
            tally.State.Notes.Add(note);
        }

        await tally.WriteStateAsync();
        return tally.State.Total;
    }

    public Task AddWithoutWriting(long amount)
    {
        tally.State.Total += amount;
        dirty = true;
        return Task.CompletedTask;
    }

    public Task<TallySnapshot> Get() => Task.FromResult(new TallySnapshot(
        tally.State.Total, tally.Etag, tally.RecordExists, ActivationCounts.GetValueOrDefault(this.GetPrimaryKeyString()), [.. tally.State.Notes]));

    public Task Clear() => tally.ClearStateAsync();

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private void Log(string entry) => Lifecycle.GetOrAdd(this.GetPrimaryKeyString(), _ => new()).Enqueue(entry);
}
