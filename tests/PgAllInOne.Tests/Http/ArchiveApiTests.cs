using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using PgAllInOne.Grains.Archive;
using PgAllInOne.Grains.Compaction;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Http;

/// <summary>
/// The archive over HTTP on the real silo: readings posted for a past day, archived by the job, listed by
/// <c>GET /api/archive</c>, refused attaches (bad day, unknown day, changed file) writing nothing, then attached: the
/// device range reads as before.
/// </summary>
public sealed class ArchiveApiTests(ArchiveApiTests.Silo shared) : IClassFixture<ArchiveApiTests.Silo>
{
    /// <summary>A silo whose archive folder is a temp folder (archiving itself is left to the test: no Metrics:ArchiveAfter).</summary>
    public sealed class Silo : SharedSiloApp, IDisposable
    {
        public TempFolder Folder { get; } = new("pgaio-archive-http");

        protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Metrics:ArchiveDirectory"] = Folder.Path };

        public void Dispose() => Folder.Dispose();
    }

    [Fact]
    public async Task AnArchivedDay_IsListed_RefusedAttachesWriteNothing_AndTheAttachedDayReadsAsBefore()
    {
        using var admin = shared.App.Admin();
        // Within retention (30 days): five days ago.
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-5);
        var name = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var file = Path.Combine(shared.Folder.Path, MetricArchive.FileName(day, 1));
        var device = $"archive-{Guid.NewGuid():N}";
        var readings = Enumerable.Range(0, 240).Select(i => new
        {
            metric = "temp",
            value = i / 4.0,
            time = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddMinutes(6 * i),
            tags = i % 3 == 0 ? (object)new { room = $"r{i % 5}" } : null,
        });
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsJsonAsync($"/api/devices/{device}/metrics", readings)).StatusCode);
        var range = $"/api/devices/{device}/metrics?metric=temp&from={name}T00:00:00Z&to={day.AddDays(1):yyyy-MM-dd}T00:00:00Z&bucket=45s&agg=last";
        var before = await admin.GetStringAsync(range);

        var options = Options.Create(new MetricsOptions { CompressAfter = TimeSpan.FromDays(1), ArchiveAfter = TimeSpan.FromDays(1), ArchiveDirectory = shared.Folder.Path });
        await using var owner = NpgsqlDataSource.Create(shared.Database);
        // The day is archived once the rollup job has folded its hours (the silo's job, or this one: whichever comes first).
        await Eventually.TrueAsync(
            async () =>
            {
                await new PgAllInOne.Grains.Rollups.RollupJob(owner, Options.Create(new PgAllInOne.Grains.Rollups.RollupOptions())).RunOnceAsync(DateTimeOffset.UtcNow);
                return (await new MetricArchive(owner, options).RunOnceAsync(DateTimeOffset.UtcNow)).Archived.Contains(day);
            },
            "the day archived");

        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/archive")).EnumerateArray().Single(archived => archived.GetProperty("day").GetString() == name);
        Assert.Equal(Path.GetFileName(file), listed.GetProperty("file").GetString());
        Assert.True(listed.GetProperty("readings").GetInt64() >= 240);
        Assert.True(listed.GetProperty("bytes").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("attachedAt").ValueKind);
        Assert.NotEqual(before, await admin.GetStringAsync(range)); // the raw readings of the day are in the file only

        var good = await File.ReadAllBytesAsync(file);
        var changed = (byte[])good.Clone();
        changed[changed.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(file, changed);
        await AssertProblemAsync(await admin.PostAsync($"/api/archive/{name}/attach", null), 422, "changed since it was archived");
        await File.WriteAllBytesAsync(file, good);
        await AssertProblemAsync(await admin.PostAsync("/api/archive/2026-13-03/attach", null), 400, "day must be a UTC date yyyy-MM-dd");
        await AssertProblemAsync(await admin.PostAsync("/api/archive/1999-02-03/attach", null), 404, "1999-02-03 is not an archived day");
        Assert.NotEqual(before, await admin.GetStringAsync(range));

        // pgaio lists the day and attaches it, as an operator would.
        var list = await Cli.CliRunner.RunAsync(shared.App, "archive", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(Path.GetFileName(file), list.Output, StringComparison.Ordinal);
        var attached = await Cli.CliRunner.RunAsync(shared.App, "archive", "attach", name);
        Assert.Equal((0, $"attached {name}: {listed.GetProperty("readings").GetInt64()} readings back from {Path.GetFileName(file)}"), (attached.ExitCode, attached.Output.Trim()));
        Assert.NotEqual(JsonValueKind.Null, (await admin.GetFromJsonAsync<JsonElement>("/api/archive")).EnumerateArray().Single(archived => archived.GetProperty("day").GetString() == name).GetProperty("attachedAt").ValueKind);
        Assert.Equal(before, await admin.GetStringAsync(range));
        await AssertProblemAsync(await admin.PostAsync($"/api/archive/{name}/attach", null), 409, "its readings are in PostgreSQL already");
        var again = await Cli.CliRunner.RunAsync(shared.App, "archive", "attach", name);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("409", again.Error, StringComparison.Ordinal);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string detail)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
