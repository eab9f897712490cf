using PgAllInOne.Cli;
using PgAllInOne.Cli.Load;
using PgAllInOne.Cli.Output;
using Spectre.Console;

namespace PgAllInOne.Tests.Cli;

/// <summary>What the CLI decides on its own: usage errors, an unreachable silo, highlighting, durations and percentiles.</summary>
public sealed class CliOfflineTests
{
    [Fact]
    public async Task UnreachableSilo_ExitsWithTwoAndOneClearLine()
    {
        var run = await CliRunner.RunRawAsync(["status", "--url", "http://127.0.0.1:1", "--key", "k"]);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: cannot reach the silo at http://127.0.0.1:1/", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadOptions_AreRejectedBeforeAnyRequest()
    {
        var duration = await CliRunner.RunRawAsync(["load", "events", "--duration", "soon", "--url", "http://127.0.0.1:1"]);
        var profile = await CliRunner.RunRawAsync(["users", "create", "--username", "a", "--email", "e", "--profile", "[1]", "--url", "http://127.0.0.1:1"]);
        var url = await CliRunner.RunRawAsync(["status", "--url", "ftp://example.com"]);

        Assert.Equal(1, duration.ExitCode);
        Assert.Contains("'soon' is not a positive duration", duration.Error, StringComparison.Ordinal);
        Assert.Equal(1, profile.ExitCode);
        Assert.Contains("--profile must be a JSON object", profile.Error, StringComparison.Ordinal);
        Assert.Equal(1, url.ExitCode);
        Assert.Contains("is not an http(s) URL", url.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Snippet_MarksBecomeHighlights_AndEverythingElseIsEscaped()
    {
        Assert.Equal("a [[b]] [black on yellow]harbour[/] c", Highlight.Snippet("a [b] <mark>harbour</mark> c"));
        Assert.Equal("[black on yellow]明月[/]光 <mark>open", Highlight.Snippet("<mark>明月</mark>光 <mark>open"));
    }

    [Fact]
    public void Snippet_OnAConsoleWithoutColours_MarksTheMatchInPlainText()
    {
        Assert.Equal("a [b] [[harbour]] c", Render("a [b] <mark>harbour</mark> c", colours: false));
        Assert.Equal("[[明月]]光", Render("<mark>明月</mark>光", colours: false));
        var coloured = Render("a [b] <mark>harbour</mark> c", colours: true);
        Assert.Contains("\u001b[", coloured, StringComparison.Ordinal);
        Assert.DoesNotContain("[[", coloured, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("10s", 10)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("7", 7)]
    public void Durations_ReadWithTheirUnits(string text, double seconds)
    {
        Assert.True(CliOptions.TryParseDuration(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Fact]
    public void LatencyPercentiles_AreWithinTheBucketPrecision_AndTheMaximumIsExact()
    {
        var histogram = new LatencyHistogram();
        for (var ms = 1; ms <= 1000; ms++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(ms));
        }

        Assert.InRange(histogram.PercentileMs(0.50), 500 * 0.98, 500 * 1.02);
        Assert.InRange(histogram.PercentileMs(0.99), 990 * 0.98, 990 * 1.02);
        Assert.Equal(1000.0, histogram.MaxMicroseconds / 1000.0);
        Assert.Equal(0, new LatencyHistogram().PercentileMs(0.5));
    }

    private static string Render(string snippet, bool colours)
    {
        using var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = InteractionSupport.No,
            Ansi = colours ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = colours ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
        });
        console.Markup(Highlight.Snippet(snippet, console));
        return output.ToString();
    }
}
