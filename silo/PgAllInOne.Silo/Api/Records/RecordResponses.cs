using PgAllInOne.Api.Contracts.Records;
using Grain = PgAllInOne.GrainInterfaces.Records;

namespace PgAllInOne.Silo.Api.Records;

/// <summary>The HTTP contract's records, written from the grains' records.</summary>
internal static class RecordResponses
{
    public static StoredRecord ToResponse(this Grain.StoredRecord record) =>
        new(record.Id, record.Data, record.Type, record.SessionId, record.ThreadId, record.Metadata, record.Version, record.CreatedAt, record.UpdatedAt, record.ExpiresAt);

    public static RecordWritten ToWritten(this Grain.StoredRecord record) =>
        new(record.Id, record.Version, record.CreatedAt, record.UpdatedAt, record.ExpiresAt);
}
