namespace PgAllInOne.Runtime.Placement;

/// <summary>
/// Highest-random-weight placement: the owner of a grain is the silo whose (silo, grain) score is highest. Every silo
/// and client computes the same owner from the same set of silos with no directory; when a silo leaves, only its grains
/// move, and when one joins it takes about 1/n of each other silo's grains.
/// </summary>
public static class RendezvousPlacement
{
    /// <summary>The owner of <paramref name="grain"/> among <paramref name="silos"/> (ids), or null when there is none.</summary>
    public static string? Owner(GrainId grain, IReadOnlyList<string> silos)
    {
        var grainHash = Hash(grain.Key, Hash(grain.Type, FnvOffset));
        string? owner = null;
        ulong best = 0;
        foreach (var silo in silos)
        {
            var score = Mix(Hash(silo, FnvOffset) ^ grainHash);
            if (owner is null || score > best || (score == best && string.CompareOrdinal(silo, owner) < 0))
            {
                owner = silo;
                best = score;
            }
        }

        return owner;
    }

    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;

    // FNV-1a over UTF-16 code units: stable across processes and machines, unlike string.GetHashCode.
    private static ulong Hash(string text, ulong seed)
    {
        var hash = seed;
        foreach (var c in text)
        {
            hash = (hash ^ c) * FnvPrime;
        }

        return Mix(hash ^ (ulong)text.Length);
    }

    // SplitMix64's finalizer: spreads FNV's weak low bits over the whole word.
    private static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9;
        value = (value ^ (value >> 27)) * 0x94d049bb133111eb;
        return value ^ (value >> 31);
    }
}
