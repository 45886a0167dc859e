using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace PhoneVerification;

/// <summary>
/// The verification code of one challenge: HMAC-SHA256 of the activity call's id under a secret key, reduced to
/// 0000–9999. Every attempt of one call gets the same code, so an SMS re-sent after a crash carries the code the
/// orchestrator will check; different calls (every new verification, even one reusing an instance id) get unrelated codes.
/// </summary>
/// <remarks>
/// The key is random material: the <c>SmsChallengeCodeKey</c> setting (base64, 32 bytes or more, e.g. from
/// <c>openssl rand -base64 32</c>) when set, else one derived from <c>TwilioAuthToken</c> (a random secret every host
/// of the app already shares and that can read every SMS anyway), else — the development outbox, no secrets — 32 bytes
/// from the cryptographic RNG per process. Without the key a code is as unpredictable as a random one (HMAC is a
/// pseudo-random function); the call id is public, the key never is. Codes are never logged.
/// </remarks>
public sealed class ChallengeCodes
{
    /// <summary>The app setting that holds an explicit key.</summary>
    public const string KeySetting = "SmsChallengeCodeKey";

    private const int MinKeyBytes = 32;
    private static readonly byte[] ProcessKey = RandomNumberGenerator.GetBytes(MinKeyBytes);
    private static readonly byte[] TokenKeyLabel = Encoding.UTF8.GetBytes("PhoneVerification/E4_SendSmsChallenge/code-key/v1");
    private readonly byte[] key;

    /// <summary>Takes the key from the app settings as described in the remarks.</summary>
    /// <param name="configuration">App settings.</param>
    /// <exception cref="InvalidOperationException"><c>SmsChallengeCodeKey</c> is set but not base64 of 32 bytes or more.</exception>
    public ChallengeCodes(IConfiguration configuration)
        : this(ResolveKey(configuration))
    {
    }

    /// <summary>Uses <paramref name="key"/> (tests).</summary>
    /// <param name="key">At least 32 bytes of secret.</param>
    internal ChallengeCodes(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(key.Length, MinKeyBytes, nameof(key));
        this.key = key;
    }

    /// <summary>The code for the call <paramref name="invocationId"/>: the same for every attempt of it.</summary>
    /// <param name="invocationId">The activity call's id (stable across attempts).</param>
    /// <returns>A number from 0 to 9999.</returns>
    public int For(string invocationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(invocationId);
        byte[] mac = HMACSHA256.HashData(this.key, Encoding.UTF8.GetBytes(invocationId));

        // 64 bits reduced modulo 10,000: the bias is below 1e-15.
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(mac) % 10_000);
    }

    private static byte[] ResolveKey(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? explicitKey = configuration[KeySetting];
        if (!string.IsNullOrWhiteSpace(explicitKey))
        {
            byte[]? bytes = null;
            try
            {
                bytes = Convert.FromBase64String(explicitKey.Trim());
            }
            catch (FormatException)
            {
            }

            // The value itself is a secret: the message names the setting only.
            return bytes is { Length: >= MinKeyBytes }
                ? bytes
                : throw new InvalidOperationException($"The app setting '{KeySetting}' must be base64 of at least {MinKeyBytes} random bytes (e.g. 'openssl rand -base64 32').");
        }

        string? authToken = configuration["TwilioAuthToken"];
        // Blank means unset, as for every Twilio setting.
        return string.IsNullOrWhiteSpace(authToken)
            ? ProcessKey
            : HMACSHA256.HashData(Encoding.UTF8.GetBytes(authToken.Trim()), TokenKeyLabel);
    }
}
