namespace Durable.WebJobs.Http;

/// <summary>Limits and error detail of the management API; the host binds them from app settings.</summary>
public sealed class DurableHttpOptions
{
    /// <summary>Default body limit: 1 MiB, far above any event or input this app needs.</summary>
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Default largest raiseEvent body: 4 KiB, far above an answer (a code is a few bytes).</summary>
    public const long DefaultMaxEventPayloadBytes = 4 * 1024;

    /// <summary>Default cap on events raised to one instance.</summary>
    public const int DefaultMaxEventsPerInstance = 100;

    /// <summary>Gets or sets the largest request body accepted (413 above it).</summary>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>
    /// Gets or sets the largest raiseEvent body (413 above it): every event is kept in the instance's history and
    /// replayed on each episode, so its size bounds what one client can make the host hold and re-read.
    /// </summary>
    public long MaxEventPayloadBytes { get; set; } = DefaultMaxEventPayloadBytes;

    /// <summary>
    /// Gets or sets how many events one instance accepts over its current execution (429 above it), counted by the store across hosts, so nobody can grow an
    /// instance's history without bound.
    /// </summary>
    public int MaxEventsPerInstance { get; set; } = DefaultMaxEventsPerInstance;

    /// <summary>
    /// Gets or sets the secret (at least 32 bytes) continuation tokens are signed with (HMAC-SHA256), so the API
    /// reads back only tokens it issued. Null: a random secret of this process, so a token does not survive a restart
    /// or work on another host; hosts behind one address should share one.
    /// </summary>
#pragma warning disable CA1819 // A key is bytes; the options object is built once by the host.
    public byte[]? ContinuationTokenKey { get; set; }
#pragma warning restore CA1819

    /// <summary>Gets or sets the <c>Retry-After</c> seconds of a 503 when the store is unavailable.</summary>
    public int StoreUnavailableRetryAfterSeconds { get; set; } = 5;

    /// <summary>Gets or sets whether error bodies carry exception type and stack trace (Development only).</summary>
    public bool IncludeExceptionDetails { get; set; }
}
