namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// Failure detection for silos in the test process. The product's defaults vote a silo dead after two missed one-second
/// probes; two silos in a starved test process (the suite's lower-priority lane beside the timed tests) can miss them,
/// and a silo that learns it was voted dead ends its process: the test host, with every test in it. Here a silo is
/// voted dead only after three missed five-second probes. Tests that kill silos run them as processes of their own.
/// </summary>
internal static class InProcessMembership
{
    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Membership:ProbeTimeout"] = "00:00:05",
        ["Membership:NumMissedProbesLimit"] = "3",
    };
}
