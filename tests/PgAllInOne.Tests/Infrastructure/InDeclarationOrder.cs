using Xunit.Abstractions;
using Xunit.Sdk;

namespace PgAllInOne.Tests.Infrastructure;

/// <summary>
/// Runs a class's tests in the order they are written (xunit's own order is by a hash of their names): for scenarios on
/// a shared world that each start from what the one before left, so that none waits to undo the last.
/// <c>[TestCaseOrderer(InDeclarationOrder.Name, InDeclarationOrder.Assembly)]</c>.
/// </summary>
public sealed class InDeclarationOrder : ITestCaseOrderer
{
    public const string Name = "PgAllInOne.Tests.Infrastructure.InDeclarationOrder";

    public const string Assembly = "PgAllInOne.Tests";

    // A method's metadata token grows with its place in the source file.
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.ToRuntimeMethod().MetadataToken);
}
