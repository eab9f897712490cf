using System.Collections.Concurrent;

namespace PgAllInOne.Tests.Grains;

/// <summary>Counts how many pieces of code run inside a region at once, per test-chosen name.</summary>
public sealed class ConcurrencyProbe
{
    private static readonly ConcurrentDictionary<string, ConcurrencyProbe> Probes = new();
    private int current;
    private int max;

    public static ConcurrencyProbe For(string name) => Probes.GetOrAdd(name, _ => new ConcurrencyProbe());

    public int Max => Volatile.Read(ref max);

    public int Current => Volatile.Read(ref current);

    public async Task<T> RunAsync<T>(Func<Task<T>> body)
    {
        var now = Interlocked.Increment(ref current);
        int seen;
        while ((seen = Volatile.Read(ref max)) < now && Interlocked.CompareExchange(ref max, now, seen) != seen)
        {
        }

        try
        {
            return await body();
        }
        finally
        {
            Interlocked.Decrement(ref current);
        }
    }
}
