namespace PhoneVerification.LoadTest;

/// <summary>Nearest-rank percentiles in milliseconds over one measured run.</summary>
internal sealed record Percentiles(double P50, double P95, double P99, double Max, int Count)
{
    public static Percentiles? Of(IEnumerable<TimeSpan> samples)
    {
        double[] ms = [.. samples.Select(s => s.TotalMilliseconds).Order()];
        return ms.Length == 0 ? null : new Percentiles(Rank(ms, 50), Rank(ms, 95), Rank(ms, 99), ms[^1], ms.Length);
    }

    public override string ToString() => $"p50 {this.P50:0.0} ms  p95 {this.P95:0.0} ms  p99 {this.P99:0.0} ms  max {this.Max:0.0} ms  (n={this.Count})";

    private static double Rank(double[] sorted, int percent) =>
        Math.Round(sorted[Math.Max(0, (int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1)], 2);
}
