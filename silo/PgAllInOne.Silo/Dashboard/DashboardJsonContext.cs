using System.Text.Json;
using System.Text.Json.Serialization;

namespace PgAllInOne.Silo.Dashboard;

/// <summary>The key page's body, read by hand because it may come as JSON or as a form.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SessionRequest))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
