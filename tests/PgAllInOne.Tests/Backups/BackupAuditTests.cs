using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PgAllInOne.Tests.Infrastructure;

namespace PgAllInOne.Tests.Backups;

/// <summary>
/// The operators' backup actions through real HTTP on an in-process silo with its embedded PostgreSQL and a backup
/// directory: starting a base backup and setting a restore point each leave one audit entry naming the acting key,
/// the restore point's in the very transaction that set it; a refused restore point leaves none.
/// </summary>
[Trait("Category", "EndToEnd")] // its own PostgreSQL (initdb, migrations, a first base backup): ~20 s
public sealed class BackupAuditTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder backups = new("pgaio-backup-audit");
    private SiloApp app = null!;

    public async Task InitializeAsync() =>
        app = await SiloApp.StartEmbeddedAsync(new Dictionary<string, string?> { ["Backup:Directory"] = backups.Path });

    public async Task DisposeAsync() => await app.DisposeAsync();

    public void Dispose() => backups.Dispose();

    [Fact]
    public async Task StartingABackup_AndSettingARestorePoint_AreAudited_WithTheActingKey()
    {
        using var admin = app.Admin();
        var key = await Json(await admin.PostAsJsonAsync("/api/keys", new { name = "backup-operator", role = "admin" }));
        var keyId = key.GetProperty("id").GetInt64();
        using var operatorClient = app.Client(key.GetProperty("key").GetString());

        var started = await operatorClient.PostAsync("/api/backups", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var backupId = (await Json(started)).GetProperty("id").GetString();

        var point = await operatorClient.PostAsJsonAsync("/api/backups/restore-points", new { name = "audited-point" });
        Assert.Equal(HttpStatusCode.Created, point.StatusCode);
        var pointTime = (await Json(point)).GetProperty("time").GetDateTimeOffset();
        Assert.Equal(HttpStatusCode.Conflict, (await operatorClient.PostAsJsonAsync("/api/backups/restore-points", new { name = "audited-point" })).StatusCode);

        var backup = Assert.Single((await Json(await admin.GetAsync("/api/audit?action=backup.started"))).EnumerateArray());
        Assert.Equal(backupId, backup.GetProperty("target").GetString());
        Assert.Equal(keyId, backup.GetProperty("keyId").GetInt64());
        Assert.Equal("backup-operator", backup.GetProperty("keyName").GetString());

        var set = Assert.Single((await Json(await admin.GetAsync("/api/audit?action=restore_point.set"))).EnumerateArray());
        Assert.Equal("audited-point", set.GetProperty("target").GetString());
        Assert.Equal(keyId, set.GetProperty("keyId").GetInt64());
        Assert.Equal("backup-operator", set.GetProperty("keyName").GetString());
        Assert.Equal("127.0.0.1", set.GetProperty("clientAddress").GetString());

        // Both bear their transaction's time: the entry was appended in the transaction that set the point.
        Assert.Equal(pointTime, set.GetProperty("at").GetDateTimeOffset());
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
