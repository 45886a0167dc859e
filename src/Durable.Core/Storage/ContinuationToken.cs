using System.Globalization;
using System.Text;

namespace Durable.Core.Storage;

/// <summary>
/// The opaque paging token of <see cref="IOrchestrationStore.QueryInstancesAsync"/>: base64 of "createdTicks|instanceId"
/// (ascending) or "desc|createdTicks|instanceId" (descending), the key of the last row returned. Shared by every store so
/// a token means the same everywhere.
/// </summary>
public static class ContinuationToken
{
    // Ascending tokens keep the original format so tokens issued before descending order existed still read.
    private const string DescendingMarker = "desc|";

    /// <summary>The token for a page that ended at the row (<paramref name="createdTicks"/>, <paramref name="instanceId"/>).</summary>
    public static string Encode(long createdTicks, string instanceId, bool descending = false) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(
            (descending ? DescendingMarker : string.Empty) + createdTicks.ToString(CultureInfo.InvariantCulture) + "|" + instanceId));

    /// <summary>
    /// The key in <paramref name="token"/>, or null for no token; <see cref="ArgumentException"/> when malformed or
    /// issued for the other order than <paramref name="descending"/> (its key would page from the wrong side).
    /// </summary>
    public static (long Ticks, string Id)? Decode(string? token, bool descending = false)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw Malformed(token);
        }

        bool marked = text.StartsWith(DescendingMarker, StringComparison.Ordinal);
        if (marked != descending)
        {
            throw new ArgumentException(
                $"The continuation token '{token}' belongs to a listing in {(marked ? "descending" : "ascending")} order: pass the same order as for the previous page.",
                "query");
        }

        string key = marked ? text[DescendingMarker.Length..] : text;
        int bar = key.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && long.TryParse(key.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out long ticks)
            ? (ticks, key[(bar + 1)..])
            : throw Malformed(token);
    }

    private static ArgumentException Malformed(string token) =>
        new($"The continuation token '{token}' is not valid: pass the token returned with the previous page, unchanged.", "query");
}
