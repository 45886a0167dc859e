using System.Globalization;
using System.Text.Json.Nodes;

namespace PhoneVerification.LoadTest;

/// <summary>
/// Each host's share of the measured phase: its CPU (from /proc) and the episodes, activities and instances it counted
/// (from its /metrics), read before and after. With one host it is the host's CPU per flow; with several on one
/// PostgreSQL it shows how the work spread over them.
/// </summary>
internal sealed class HostSpread
{
    private readonly IReadOnlyList<Uri> urls;
    private readonly IReadOnlyList<int?> pids;
    private readonly TimeSpan?[] cpu;
    private readonly HostCounters?[] counters;

    private HostSpread(IReadOnlyList<Uri> urls, IReadOnlyList<int?> pids, TimeSpan?[] cpu, HostCounters?[] counters)
    {
        this.urls = urls;
        this.pids = pids;
        this.cpu = cpu;
        this.counters = counters;
    }

    /// <summary>The CPU of every host together per flow; null unless every host's process is known.</summary>
    public double? TotalCpuMsPerFlow { get; private set; }

    /// <summary>Takes the first reading.</summary>
    public static async Task<HostSpread> BeginAsync(HttpClient client, IReadOnlyList<Uri> urls, IReadOnlyList<int?> pids, CancellationToken cancellationToken)
    {
        HostCounters?[] counters = await Task.WhenAll(urls.Select(u => HostCounters.ReadAsync(client, u, cancellationToken))).ConfigureAwait(false);
        return new HostSpread(urls, pids, [.. pids.Select(HostMetrics.CpuTime)], counters);
    }

    /// <summary>Takes the second reading; writes a line per host and returns them for the JSON line.</summary>
    public async Task<JsonArray> EndAsync(HttpClient client, int flows, TextWriter output, CancellationToken cancellationToken)
    {
        TimeSpan?[] cpuAfter = [.. this.pids.Select(HostMetrics.CpuTime)];
        HostCounters?[] countersAfter = await Task.WhenAll(this.urls.Select(u => HostCounters.ReadAsync(client, u, cancellationToken))).ConfigureAwait(false);
        JsonArray hosts = [];
        double total = 0;
        bool allKnown = true;
        for (int i = 0; i < this.urls.Count; i++)
        {
            double? cpuMs = cpuAfter[i] - this.cpu[i] is { } used ? used.TotalMilliseconds : null;
            total += cpuMs ?? 0;
            allKnown &= cpuMs is not null;
            HostCounters? did = countersAfter[i] is { } after && this.counters[i] is { } before ? after.Minus(before) : null;
            hosts.Add(new JsonObject
            {
                ["url"] = this.urls[i].ToString(),
                ["pid"] = this.pids[i],
                ["cpuMsPerFlow"] = cpuMs is { } ms ? Math.Round(ms / flows, 2) : null,
                ["episodes"] = did?.Episodes,
                ["activities"] = did?.Activities,
                ["instancesStarted"] = did?.Started,
            });
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"host {i + 1} {this.urls[i]}: CPU {(cpuMs is { } c ? (c / flows).ToString("0.00", CultureInfo.InvariantCulture) : "n/a")} ms per flow; {(did is null ? "no /metrics" : $"{did.Episodes} episodes, {did.Activities} activities, {did.Started} instances started")}"));
        }

        this.TotalCpuMsPerFlow = allKnown ? Math.Round(total / flows, 2) : null;
        return hosts;
    }
}
