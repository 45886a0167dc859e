using System.Security.Cryptography;
using System.Text;

namespace Durable.WebJobs.Http;

/// <summary>
/// The <c>x-ms-continuation-token</c> of <c>GET /instances</c>: the store's token (which says where the last page
/// ended) with an HMAC-SHA256 under a host secret, as <c>base64url(token).base64url(mac)</c>. Only a token this host
/// (or one sharing its secret) issued, unchanged, is read back; a changed, extended or made-up one is refused before
/// the store sees it.
/// </summary>
internal sealed class SignedContinuationToken
{
    private readonly byte[] key;

    /// <summary>Creates the signer.</summary>
    /// <param name="key">The secret (at least 32 bytes); null for a random one, good for this process only.</param>
    public SignedContinuationToken(byte[]? key)
    {
        if (key is { Length: < 32 })
        {
            throw new ArgumentException("The continuation token key must be at least 32 bytes.", nameof(key));
        }

        this.key = key ?? RandomNumberGenerator.GetBytes(32);
    }

    /// <summary>The token a client gets for <paramref name="storeToken"/>.</summary>
    public string Sign(string storeToken)
    {
        byte[] payload = Encoding.UTF8.GetBytes(storeToken);
        return Base64Url(payload) + "." + Base64Url(this.Mac(payload));
    }

    /// <summary>The store's token inside <paramref name="token"/>, or null when this host did not issue it.</summary>
    public string? Verify(string token)
    {
        int dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || FromBase64Url(token[..dot]) is not { } payload || FromBase64Url(token[(dot + 1)..]) is not { } mac)
        {
            return null;
        }

        // The MAC covers the payload's bytes; re-encoding both parts must give back exactly the token received, so no
        // second spelling of an issued token (padding, trailing bits) is accepted either.
        return CryptographicOperations.FixedTimeEquals(mac, this.Mac(payload)) && string.Equals(token, Base64Url(payload) + "." + Base64Url(mac), StringComparison.Ordinal)
            ? Encoding.UTF8.GetString(payload)
            : null;
    }

    private byte[] Mac(byte[] payload) => HMACSHA256.HashData(this.key, payload);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        if (text.Length == 0 || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return null;
        }

        string padded = text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (text.Length % 4)) % 4);
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
