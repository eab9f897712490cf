using System.Text.Json;
using System.Text.Json.Serialization;
using PgAllInOne.Api.Contracts;
using PgAllInOne.Api.Contracts.Analytics;
using PgAllInOne.Api.Contracts.Archive;
using PgAllInOne.Api.Contracts.Audit;
using PgAllInOne.Api.Contracts.Backups;
using PgAllInOne.Api.Contracts.Cluster;
using PgAllInOne.Api.Contracts.Devices;
using PgAllInOne.Api.Contracts.Documents;
using PgAllInOne.Api.Contracts.Keys;
using PgAllInOne.Api.Contracts.Records;
using PgAllInOne.Api.Contracts.Users;

namespace PgAllInOne.Silo.Api;

/// <summary>Source-generated JSON for every body the HTTP facade reads or writes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)] // "1" is not a number
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(NewEventRequest))]
[JsonSerializable(typeof(MetricReadingRequest[]))]
[JsonSerializable(typeof(DocumentRequest))]
[JsonSerializable(typeof(RecordRequest))]
[JsonSerializable(typeof(RecordQueryRequest))]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(UserView))]
[JsonSerializable(typeof(IReadOnlyList<UserEvent>))]
[JsonSerializable(typeof(IReadOnlyList<LatestValue>))]
[JsonSerializable(typeof(IReadOnlyList<MetricBucket>))]
[JsonSerializable(typeof(DocumentView))]
[JsonSerializable(typeof(SearchResult))]
[JsonSerializable(typeof(StoredRecord))]
[JsonSerializable(typeof(IReadOnlyList<StoredRecord>))]
[JsonSerializable(typeof(AcceptedCount))]
[JsonSerializable(typeof(CreatedId))]
[JsonSerializable(typeof(RecordWritten))]
[JsonSerializable(typeof(EventAnalyticsResponse))]
[JsonSerializable(typeof(MetricAnalyticsResponse))]
[JsonSerializable(typeof(CacheInvalidated))]
[JsonSerializable(typeof(ClusterInfo))]
[JsonSerializable(typeof(Dashboard.DatabaseInfo))]
[JsonSerializable(typeof(ApiKey))]
[JsonSerializable(typeof(IReadOnlyList<ApiKey>))]
[JsonSerializable(typeof(CreatedApiKey))]
[JsonSerializable(typeof(IReadOnlyList<AuditEntry>))]
[JsonSerializable(typeof(CreateRestorePointRequest))]
[JsonSerializable(typeof(BackupList))]
[JsonSerializable(typeof(BackupStarted))]
[JsonSerializable(typeof(RestorePointView))]
[JsonSerializable(typeof(ArchivedDayView))]
[JsonSerializable(typeof(IReadOnlyList<ArchivedDayView>))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
[JsonSerializable(typeof(Health.ProbeStatus))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
