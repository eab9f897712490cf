namespace PgAllInOne.Tests.Infrastructure;

/// <summary>Waits for a condition by polling. Free of the test framework: the benchmarks link it with the Patroni cluster.</summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls until the condition holds; fails with the description after the timeout.</summary>
    public static Task TrueAsync(Func<bool> condition, string description, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), description, timeout);

    /// <summary>
    /// Polls until the asynchronous condition holds, every <paramref name="interval"/> (20 ms unless told: a condition
    /// that asks other processes a lot should not keep them busy answering); fails with the description after the timeout.
    /// </summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string description, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {description}");
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }
}
