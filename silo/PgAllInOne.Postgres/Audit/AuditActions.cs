namespace PgAllInOne.Postgres.Audit;

/// <summary>The actions the audit trail records (its <c>action</c> column; <c>GET /api/audit?action=</c> takes one of them).</summary>
public static class AuditActions
{
    public const string KeyCreated = "key.created";
    public const string KeyRevoked = "key.revoked";
    public const string RecordDeleted = "record.deleted";
    public const string DocumentDeleted = "document.deleted";
    public const string UserProfileReplaced = "user.profile.replaced";
    public const string AnalyticsCacheInvalidated = "analytics.cache.invalidated";
    public const string BackupStarted = "backup.started";
    public const string RestorePointSet = "restore_point.set";

    public static IReadOnlyList<string> All { get; } =
        [KeyCreated, KeyRevoked, RecordDeleted, DocumentDeleted, UserProfileReplaced, AnalyticsCacheInvalidated, BackupStarted, RestorePointSet];
}
