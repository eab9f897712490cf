using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PgAllInOne.Tls;

namespace PgAllInOne.Hosting.Tls;

/// <summary>The silo's TLS files (null when <c>Silo:Tls</c> is not configured), read on first use, after the options were validated.</summary>
internal sealed class SiloTlsCertificates(IOptions<SiloTlsOptions> options, IServiceProvider services, ILogger<SiloTlsCertificates> logger)
{
    /// <summary>A <see cref="TimeProvider"/> registered with this key paces the look at the files instead of the silo's clock (tests).</summary>
    public const string ClockKey = "pgaio-tls";

    private readonly Lazy<TlsCertificateFiles?> files = new(() => options.Value.Enabled
        ? new TlsCertificateFiles(
            options.Value.Files,
            services.GetKeyedService<TimeProvider>(ClockKey) ?? services.GetRequiredService<TimeProvider>(),
            options.Value.ReloadInterval,
            logger)
        : null);

    public TlsCertificateFiles? Files => files.Value;
}
