using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PgAllInOne.Silo.Dashboard;

/// <summary>
/// One of our own small pages (key page, PostgreSQL view), embedded in the assembly. Its Content-Security-Policy allows
/// exactly its own inline script and style by hash and requests to this origin: nothing may load from elsewhere, and an
/// injected script would not run.
/// </summary>
internal sealed partial class DashboardPage
{
    private readonly string html;
    private readonly string policy;

    private DashboardPage(string html)
    {
        this.html = html;
        policy = $"default-src 'none'; script-src {Hashes(ScriptBlock(), html)}; style-src {Hashes(StyleBlock(), html)}; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    }

    public static DashboardPage Load(string name)
    {
        using var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream("dashboard-pages/" + name)
            ?? throw new InvalidOperationException($"The page {name} is not embedded in the silo.");
        using var reader = new StreamReader(stream);
        return new DashboardPage(reader.ReadToEnd());
    }

    public ContentHttpResult Serve(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = policy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }

    private static string Hashes(Regex block, string html)
    {
        var hashes = block.Matches(html).Select(m => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups[1].Value)))}'").ToArray();
        return hashes.Length == 0 ? "'none'" : string.Join(' ', hashes);
    }

    [GeneratedRegex("<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptBlock();

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlock();
}
