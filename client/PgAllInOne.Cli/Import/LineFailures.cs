namespace PgAllInOne.Cli.Import;

/// <summary>Counts failed lines and keeps the first few by line number (workers finish out of order), with what was wrong.</summary>
public sealed class LineFailures(int keep)
{
    private readonly SortedList<long, string> first = [];
    private long count;

    public long Count => Interlocked.Read(ref count);

    public void Add(long line, string problem)
    {
        Interlocked.Increment(ref count);
        lock (first)
        {
            first[line] = problem;
            if (first.Count > keep)
            {
                first.RemoveAt(first.Count - 1);
            }
        }
    }

    public IReadOnlyList<(long Line, string Problem)> First()
    {
        lock (first)
        {
            return first.Select(f => (f.Key, f.Value)).ToList();
        }
    }
}
