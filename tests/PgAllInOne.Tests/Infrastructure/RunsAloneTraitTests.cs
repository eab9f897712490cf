namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// test.sh runs the classes marked <c>[Trait("Runs", "Alone")]</c> in a process of their own: a class of a collection
/// that runs alone without the mark would run beside the parallel classes at their priority, and a marked class outside
/// such a collection would run alone for no reason.
/// </summary>
public sealed class RunsAloneTraitTests
{
    [Fact]
    public void EveryClassOfACollectionThatRunsAlone_IsMarkedForItsOwnProcess_AndNoOtherIs()
    {
        var aloneCollections = typeof(RunsAloneTraitTests).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes(typeof(CollectionDefinitionAttribute), false).Cast<CollectionDefinitionAttribute>()
                .Where(d => d.DisableParallelization)
                .Select(_ => t.GetCustomAttributesData().Single(a => a.AttributeType == typeof(CollectionDefinitionAttribute)).ConstructorArguments[0].Value as string))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains(RunsAloneCollection.Name, aloneCollections);

        var testClasses = typeof(RunsAloneTraitTests).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.IsDefined(typeof(FactAttribute), true)))
            .Select(t => (
                Class: t.FullName!,
                Alone: t.GetCustomAttributesData().Any(a => a.AttributeType == typeof(CollectionAttribute) && aloneCollections.Contains((string)a.ConstructorArguments[0].Value!)),
                Marked: t.GetCustomAttributesData().Any(a => a.AttributeType == typeof(TraitAttribute) && a.ConstructorArguments is [{ Value: RunsAloneCollection.Trait }, { Value: RunsAloneCollection.Value }])))
            .ToList();

        Assert.Empty(testClasses.Where(c => c.Alone != c.Marked).Select(c => $"{c.Class}: {(c.Alone ? "runs alone, not marked" : "marked, does not run alone")}"));
        Assert.True(testClasses.Count(c => c.Marked) >= 10, "the classes that run alone were found");
    }
}
