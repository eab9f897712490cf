using Xunit.Abstractions;

[assembly: TestCollectionOrderer("PgAllInOne.Tests.Infrastructure.EndToEndFirst", "PgAllInOne.Tests")]

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// Starts the collections of end-to-end classes (<c>[Trait("Category", "EndToEnd")]</c>: builds, processes, browsers)
/// first, so that the longest tests run beside the many short ones instead of after them; among them in reverse order
/// of name, which starts the longest of all, the README's walk-through, first.
/// </summary>
public sealed class EndToEndFirst : ITestCollectionOrderer
{
    private const string PerClassPrefix = "Test collection for ";

    private static readonly HashSet<string> EndToEndClasses = typeof(EndToEndFirst).Assembly.GetTypes()
        .Where(t => t.GetCustomAttributesData().Any(a => a.AttributeType == typeof(TraitAttribute) && a.ConstructorArguments is [{ Value: "Category" }, { Value: "EndToEnd" }]))
        .Select(t => t.FullName!)
        .ToHashSet(StringComparer.Ordinal);

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.Where(IsEndToEnd).OrderByDescending(c => c.DisplayName, StringComparer.Ordinal)
            .Concat(testCollections.Where(c => !IsEndToEnd(c)).OrderBy(c => c.DisplayName, StringComparer.Ordinal));

    // A class without a [Collection] is a collection of its own, named after the class.
    private static bool IsEndToEnd(ITestCollection collection) =>
        collection.DisplayName.StartsWith(PerClassPrefix, StringComparison.Ordinal) && EndToEndClasses.Contains(collection.DisplayName[PerClassPrefix.Length..]);
}
