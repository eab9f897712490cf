namespace PgAllInOne.Tests.Infrastructure;

public static class Eventually
{
    /// <summary>Polls until the condition holds; fails with the description after the timeout.</summary>
    public static Task TrueAsync(Func<bool> condition, string description, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), description, timeout);

    /// <summary>Polls until the asynchronous condition holds; fails with the description after the timeout.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string description, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for: {description}");
            await Task.Delay(20);
        }
    }
}
