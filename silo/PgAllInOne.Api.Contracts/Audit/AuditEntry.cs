namespace PgAllInOne.Api.Contracts.Audit;

/// <summary>One entry of the audit trail: when, what was done to what, by which key, from where, in which request.</summary>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset At,
    string Action,
    string Target,
    long? KeyId,
    string? KeyName,
    string? ClientAddress,
    string? RequestId);
