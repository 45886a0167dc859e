using System.Text.RegularExpressions;

namespace FunctionsHost.Security;

/// <summary>
/// Hides keys in log text: the value of a <c>code</c> query parameter (in a URL or a bare query string) and of an
/// <c>x-functions-key</c> header. Applied to every log entry (<see cref="RedactingLoggerFactory"/>), so no log level or
/// provider-specific override can let a key through in ASP.NET Core's request lines or anyone else's.
/// </summary>
internal static partial class LogRedaction
{
    /// <summary>What replaces a key.</summary>
    public const string Mask = "[redacted]";

    /// <summary>Whether <paramref name="text"/> may hold a key (cheap test before <see cref="Redact"/>).</summary>
    public static bool MayHoldKey(string? text) =>
        text is not null
        && (text.Contains("code=", StringComparison.OrdinalIgnoreCase)
            || text.Contains("code%3D", StringComparison.OrdinalIgnoreCase)
            || text.Contains("x-functions-key", StringComparison.OrdinalIgnoreCase));

    /// <summary><paramref name="text"/> with every key value replaced by <see cref="Mask"/>.</summary>
    public static string Redact(string text) =>
        MayHoldKey(text) ? HeaderValue().Replace(QueryValue().Replace(text, "${name}" + Mask), "${name}" + Mask) : text;

    // code=, encoded or not, at the start of a query or after a separator (?, &, ;, or an encoded one).
    [GeneratedRegex(@"(?<name>(^|[?&;]|%3F|%26)code(=|%3D))[^&#\s""'<>;]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QueryValue();

    // x-functions-key: VALUE, x-functions-key=VALUE, "x-functions-key": "VALUE", [x-functions-key, VALUE] (a pair).
    [GeneratedRegex(@"(?<name>x-functions-key[""']?\s*[:=,]\s*[""'\[]?)[^\s,""'\];]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HeaderValue();
}
