using Microsoft.Extensions.Time.Testing;
using PgAllInOne.Postgres.Backups;

namespace PgAllInOne.Tests.Backups;

/// <summary>
/// When the WAL receiver is taken as stuck: not while it reports, even rarely within the bound; once its last report, or
/// its replication connection, is older than the bound; and a receiver started again has a whole bound of its own.
/// </summary>
public sealed class ReceiverWatchdogTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-12-07T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void AReceiverThatReports_IsNeverRestarted()
    {
        var watchdog = new ReceiverWatchdog(3 * Second, time);
        for (var i = 0; i < 100; i++)
        {
            time.Advance(Second);
            Assert.False(watchdog.Observe(TimeSpan.FromMilliseconds(900)));
        }
    }

    [Fact]
    public void AReceiverSilentForTheBound_IsRestartedOnce_ThenGivenTheBoundAgain()
    {
        var watchdog = new ReceiverWatchdog(3 * Second, time);
        Assert.False(watchdog.Observe(TimeSpan.Zero));

        // Stopped: the server's last report from it ages as time passes.
        time.Advance(Second);
        Assert.False(watchdog.Observe(Second));
        time.Advance(Second);
        Assert.False(watchdog.Observe(2 * Second));
        time.Advance(Second);
        Assert.True(watchdog.Observe(3 * Second));

        // Started again: the new one is connecting (no connection yet), then silent; restarted only after a whole bound.
        time.Advance(Second);
        Assert.False(watchdog.Observe(null));
        time.Advance(Second);
        Assert.False(watchdog.Observe(null));
        time.Advance(Second);
        Assert.True(watchdog.Observe(null));
    }

    [Fact]
    public void ASilence_CountsFromTheReceiversLastReport_NotFromWhenItWasSeen()
    {
        var watchdog = new ReceiverWatchdog(5 * Second, time);
        time.Advance(10 * Second); // nothing observed meanwhile (the server could not be asked)
        Assert.False(watchdog.Observe(4 * Second));
        time.Advance(Second);
        Assert.True(watchdog.Observe(5 * Second));
    }
}
