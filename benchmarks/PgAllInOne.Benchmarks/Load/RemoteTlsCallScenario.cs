using System.Diagnostics;

namespace PgAllInOne.Benchmarks.Load;

/// <summary>
/// Remote grain calls with mutual TLS on the gateway beside the same calls over plain TCP, in one run: two silo
/// processes on our configuration (one with Silo:Tls:* from docker/make-certificates.sh), a cluster client for each in
/// this process (the TLS one with the client certificate), 64 callers; peak rates (closed loop) measured alternately,
/// twice each, then p50/p99 at half of each one's own peak.
/// </summary>
internal static class RemoteTlsCallScenario
{
    private const int Callers = 64;

    public static async Task RunAsync(TimeSpan duration)
    {
        var certificates = Path.Combine(Path.GetTempPath(), $"pgaio-bench-tls-{Guid.NewGuid():N}");
        MakeCertificates(certificates);
        string File(string name) => Path.Combine(certificates, name);

        var plainGateway = RemoteCallScenario.FreePort();
        var tlsGateway = RemoteCallScenario.FreePort();
        var plainCluster = $"plain-{Environment.ProcessId}";
        var tlsCluster = $"tls-{Environment.ProcessId}";
        using var plainHost = RemoteCallScenario.StartHost(plainCluster, RemoteCallScenario.FreePort(), plainGateway);
        using var tlsHost = RemoteCallScenario.StartHost(
            tlsCluster, RemoteCallScenario.FreePort(), tlsGateway,
            $"--Silo:Tls:Certificate={File("silo.crt")}", $"--Silo:Tls:Key={File("silo.key")}", $"--Silo:Tls:CaCertificate={File("ca.crt")}");
        try
        {
            foreach (var host in new[] { plainHost, tlsHost })
            {
                _ = await host.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("A remote host ended before it was ready.");
            }

            await using var plain = await BenchmarkClient.ConnectAsync($"127.0.0.1:{plainGateway}", plainCluster);
            await using var secured = await BenchmarkClient.ConnectAsync($"127.0.0.1:{tlsGateway}", tlsCluster, tls =>
            {
                tls.Certificate = File("client.crt");
                tls.Key = File("client.key");
                tls.CaCertificate = File("ca.crt");
            });
            var plainGrains = Enumerable.Range(0, Callers).Select(i => plain.Grains.GetGrain<IAdderGrain>($"plain-{i}")).ToArray();
            var tlsGrains = Enumerable.Range(0, Callers).Select(i => secured.Grains.GetGrain<IAdderGrain>($"tls-{i}")).ToArray();
            Task Plain(int caller) => plainGrains[caller].Add(1);
            Task Tls(int caller) => tlsGrains[caller].Add(1);

            await LoadDriver.RunAsync("warm-up", Callers, TimeSpan.FromSeconds(3), Plain);
            await LoadDriver.RunAsync("warm-up", Callers, TimeSpan.FromSeconds(3), Tls);

            var plainPeak1 = await LoadDriver.RunAsync("remote grain call, plain TCP, peak", Callers, duration, Plain);
            var tlsPeak1 = await LoadDriver.RunAsync("remote grain call, mutual TLS, peak", Callers, duration, Tls);
            var tlsPeak2 = await LoadDriver.RunAsync("remote grain call, mutual TLS, peak (again)", Callers, duration, Tls);
            var plainPeak2 = await LoadDriver.RunAsync("remote grain call, plain TCP, peak (again)", Callers, duration, Plain);
            var plainPeak = (plainPeak1.RequestsPerSecond + plainPeak2.RequestsPerSecond) / 2;
            var tlsPeak = (tlsPeak1.RequestsPerSecond + tlsPeak2.RequestsPerSecond) / 2;
            var plainHalf = await LoadDriver.RunAsync("remote grain call, plain TCP, half of its peak", Callers, duration, Plain, plainPeak / 2);
            var tlsHalf = await LoadDriver.RunAsync("remote grain call, mutual TLS, half of its peak", Callers, duration, Tls, tlsPeak / 2);

            Console.WriteLine();
            Console.WriteLine($"Remote calls with and without TLS, {Callers} callers, client and silos in separate processes, loopback, {duration.TotalSeconds:F0} s per run");
            Console.WriteLine("| run | requests/s | p50 ms | p99 ms | requests |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            foreach (var result in new[] { plainPeak1, tlsPeak1, tlsPeak2, plainPeak2, plainHalf, tlsHalf })
            {
                Console.WriteLine(result);
            }

            Console.WriteLine($"TLS / plain peak rate: {tlsPeak / plainPeak:F2}x; p99 at half of peak: TLS {tlsHalf.P99Ms:F3} ms, plain {plainHalf.P99Ms:F3} ms");
        }
        finally
        {
            foreach (var host in new[] { plainHost, tlsHost })
            {
                host.StandardInput.Close();
                if (!host.WaitForExit(15_000))
                {
                    host.Kill(entireProcessTree: true);
                }
            }

            Directory.Delete(certificates, recursive: true);
        }
    }

    // The operator's way to the certificates (README "Security"): the repository's openssl script.
    private static void MakeCertificates(string folder)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !System.IO.File.Exists(Path.Combine(root.FullName, "docker", "make-certificates.sh")))
        {
            root = root.Parent;
        }

        var script = Path.Combine(root?.FullName ?? throw new InvalidOperationException("docker/make-certificates.sh not found above the benchmark."), "docker", "make-certificates.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, folder]) { RedirectStandardOutput = true }) ?? throw new InvalidOperationException("bash did not start");
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"make-certificates.sh failed with {process.ExitCode}.");
        }
    }
}
