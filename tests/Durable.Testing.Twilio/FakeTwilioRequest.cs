namespace Durable.Testing.Twilio;

/// <summary>One request as <see cref="FakeTwilioServer"/> read it.</summary>
/// <param name="Method">GET or POST.</param>
/// <param name="Path">The path without the query.</param>
/// <param name="Query">The raw query string without <c>?</c>.</param>
/// <param name="Version">The request's HTTP version text, e.g. <c>HTTP/1.1</c>.</param>
/// <param name="Headers">Header names (lower case) to values.</param>
/// <param name="RawBody">The body as text.</param>
/// <param name="Form">The form fields of a form-encoded body (empty otherwise).</param>
public sealed record FakeTwilioRequest(
    string Method,
    string Path,
    string Query,
    string Version,
    IReadOnlyDictionary<string, string> Headers,
    string RawBody,
    IReadOnlyDictionary<string, string> Form)
{
    /// <summary>The <c>Authorization</c> header, or empty.</summary>
    public string Authorization => this.Headers.TryGetValue("authorization", out string? value) ? value : string.Empty;

    /// <summary>The <c>Content-Type</c> header, or null.</summary>
    public string? ContentType => this.Headers.TryGetValue("content-type", out string? value) ? value : null;
}
