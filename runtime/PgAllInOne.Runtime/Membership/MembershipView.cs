namespace PgAllInOne.Runtime.Membership;

/// <summary>An immutable snapshot of the cluster as one silo last read it.</summary>
public sealed record MembershipView(long Version, IReadOnlyList<SiloEntry> Silos)
{
    public static MembershipView Empty { get; } = new(0, []);

    public IReadOnlyList<SiloEntry> ActiveSilos { get; } = Silos.Where(s => s.IsActive).ToList();

    /// <summary>The ids of <see cref="ActiveSilos"/>, what placement hashes over.</summary>
    public IReadOnlyList<string> ActiveSiloIds => activeSiloIds ??= ActiveSilos.Select(s => s.SiloId).ToArray();

    private IReadOnlyList<string>? activeSiloIds;

    public SiloEntry? Find(string siloId) => ActiveSilos.FirstOrDefault(s => s.SiloId == siloId);
}
