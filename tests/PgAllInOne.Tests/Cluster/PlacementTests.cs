using PgAllInOne.Runtime.Placement;

namespace PgAllInOne.Tests.Cluster;

public sealed class PlacementTests
{
    private static readonly string[] ThreeSilos = ["silo-a-1f3e", "silo-b-77c0", "silo-c-0a9d"];

    private static IEnumerable<GrainId> Grains(int count) => Enumerable.Range(0, count).Select(i => new GrainId("user", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void TenThousandGrainsOverThreeSilos_NoSiloOwnsMoreThanFortyPercent()
    {
        var owners = Grains(10_000).GroupBy(g => RendezvousPlacement.Owner(g, ThreeSilos)).ToDictionary(g => g.Key!, g => g.Count());

        Assert.Equal(3, owners.Count);
        Assert.All(owners.Values, count => Assert.InRange(count, 2_000, 4_000));
    }

    [Fact]
    public void EveryoneComputesTheSameOwner_WhateverTheOrderOfTheSilos()
    {
        string[] reversed = [.. ThreeSilos.Reverse()];

        Assert.All(Grains(1_000), grain => Assert.Equal(RendezvousPlacement.Owner(grain, ThreeSilos), RendezvousPlacement.Owner(grain, reversed)));
    }

    [Fact]
    public void TheSameGrainKeyOfTwoGrainTypes_IsPlacedIndependently()
    {
        var differ = Enumerable.Range(0, 300).Count(i =>
            RendezvousPlacement.Owner(new GrainId("user", $"{i}"), ThreeSilos) != RendezvousPlacement.Owner(new GrainId("device", $"{i}"), ThreeSilos));

        Assert.InRange(differ, 100, 300);
    }

    [Fact]
    public void WhenASiloLeaves_OnlyItsGrainsMove()
    {
        string[] two = [ThreeSilos[0], ThreeSilos[2]];

        foreach (var grain in Grains(5_000))
        {
            var before = RendezvousPlacement.Owner(grain, ThreeSilos);
            var after = RendezvousPlacement.Owner(grain, two);
            if (before != ThreeSilos[1])
            {
                Assert.Equal(before, after);
            }
        }
    }

    [Fact]
    public void NoSilos_NoOwner()
    {
        Assert.Null(RendezvousPlacement.Owner(new GrainId("user", "1"), []));
    }
}
