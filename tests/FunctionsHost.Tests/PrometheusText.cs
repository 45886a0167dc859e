using System.Globalization;

namespace FunctionsHost.Tests;

/// <summary>Reads sample values out of a Prometheus text exposition, as a scraper would.</summary>
internal static class PrometheusText
{
    /// <summary>
    /// The sum of the samples named <paramref name="metric"/> whose labels include every one of <paramref name="labels"/>
    /// (<c>name="value"</c>); 0 when there are none.
    /// </summary>
    public static double Sum(string text, string metric, params string[] labels)
    {
        double sum = 0;
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !(line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal)))
            {
                continue;
            }

            int close = line.LastIndexOf('}');
            string labelText = close < 0 ? string.Empty : line[(metric.Length + 1)..close];
            if (labels.All(l => labelText.Contains(l, StringComparison.Ordinal)))
            {
                string[] parts = line[(close < 0 ? metric.Length : close + 1)..].Trim().Split(' ');
                sum += double.Parse(parts[0], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
