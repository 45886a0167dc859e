using System.Globalization;

namespace PhoneVerification.LoadTest;

/// <summary>
/// What one host counted of the durable work, from its Prometheus <c>/metrics</c> (Development hosts serve it, see
/// docs/observability.md): orchestration episodes committed, activities completed, instances created. The difference of
/// two readings is the work that host did in between: with several hosts on one PostgreSQL, how the work spread.
/// </summary>
internal sealed record HostCounters(double Episodes, double Activities, double Started)
{
    /// <summary>Reads the host's /metrics; null when it does not serve them (not Development, or turned off).</summary>
    public static async Task<HostCounters?> ReadAsync(HttpClient client, Uri baseUrl, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await client.GetAsync(new Uri(baseUrl, "metrics"), cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) : null;
    }

    /// <summary>Sums the samples of the three counters in Prometheus text format (every label set of each).</summary>
    public static HostCounters Parse(string text)
    {
        double episodes = 0, activities = 0, started = 0;
        foreach (string line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // name{label="value",...} 123 1700000000000   (the labels and the timestamp are optional)
            int braces = line.IndexOf('{', StringComparison.Ordinal);
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                continue;
            }

            string name = braces >= 0 && braces < space ? line[..braces] : line[..space];
            string labels = braces >= 0 && braces < space ? line[braces..(line.LastIndexOf('}') + 1)] : string.Empty;
            string rest = line[(braces >= 0 && braces < space ? line.LastIndexOf('}') + 1 : space)..].Trim();
            if (!double.TryParse(rest.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                continue;
            }

            switch (name)
            {
                case "durable_episode_duration_seconds_count" when labels.Contains("result=\"committed\"", StringComparison.Ordinal):
                    episodes += value;
                    break;
                case "durable_activity_duration_seconds_count" when labels.Contains("result=\"completed\"", StringComparison.Ordinal):
                    activities += value;
                    break;
                case "durable_orchestrations_started_total":
                    started += value;
                    break;
            }
        }

        return new HostCounters(episodes, activities, started);
    }

    /// <summary>This reading minus an earlier one.</summary>
    public HostCounters Minus(HostCounters earlier) =>
        new(this.Episodes - earlier.Episodes, this.Activities - earlier.Activities, this.Started - earlier.Started);
}
