using Xunit.Abstractions;

[assembly: TestCollectionOrderer("PgAllInOne.Tests.Infrastructure.EndToEndFirst", "PgAllInOne.Tests")]

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// Starts the collections of end-to-end classes (<c>[Trait("Category", "EndToEnd")]</c>: builds, processes, browsers)
/// first, so that the longest tests run beside the many short ones instead of after them.
/// </summary>
public sealed class EndToEndFirst : ITestCollectionOrderer
{
    private const string PerClassPrefix = "Test collection for ";

    private static readonly HashSet<string> EndToEndClasses = typeof(EndToEndFirst).Assembly.GetTypes()
        .Where(t => t.GetCustomAttributesData().Any(a => a.AttributeType == typeof(TraitAttribute) && a.ConstructorArguments is [{ Value: "Category" }, { Value: "EndToEnd" }]))
        .Select(t => t.FullName!)
        .ToHashSet(StringComparer.Ordinal);

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => IsEndToEnd(c) ? 0 : 1).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    // A class without a [Collection] is a collection of its own, named after the class.
    private static bool IsEndToEnd(ITestCollection collection) =>
        collection.DisplayName.StartsWith(PerClassPrefix, StringComparison.Ordinal) && EndToEndClasses.Contains(collection.DisplayName[PerClassPrefix.Length..]);
}
