using System.Globalization;
using System.Text;

namespace Durable.Core.Storage;

/// <summary>
/// The opaque paging token of <see cref="IOrchestrationStore.QueryInstancesAsync"/>: base64 of "createdTicks|instanceId",
/// the key of the last row returned. Shared by every store so a token means the same everywhere.
/// </summary>
public static class ContinuationToken
{
    /// <summary>The token for a page that ended at the row (<paramref name="createdTicks"/>, <paramref name="instanceId"/>).</summary>
    public static string Encode(long createdTicks, string instanceId) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(createdTicks.ToString(CultureInfo.InvariantCulture) + "|" + instanceId));

    /// <summary>The key in <paramref name="token"/>, or null for no token; <see cref="ArgumentException"/> when malformed.</summary>
    public static (long Ticks, string Id)? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            string text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            int bar = text.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0 && long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out long ticks))
            {
                return (ticks, text[(bar + 1)..]);
            }
        }
        catch (FormatException)
        {
            // Not base64: reported below like any other malformed token.
        }

        throw new ArgumentException(
            $"The continuation token '{token}' is not valid: pass the token returned with the previous page, unchanged.",
            "query");
    }
}
