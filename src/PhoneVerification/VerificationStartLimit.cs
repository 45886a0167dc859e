using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace PhoneVerification;

/// <summary>
/// The abuse limit on verifications: at most <paramref name="MaxStarts"/> started per phone number within
/// <paramref name="Window"/>, so nobody can make the app text one number (or pump SMS to premium numbers) without
/// bound.
/// </summary>
/// <param name="MaxStarts">Setting <c>SmsVerificationMaxStartsPerNumber</c> (default 5).</param>
/// <param name="Window">Setting <c>SmsVerificationStartWindowSeconds</c> (default 600).</param>
public sealed record VerificationStartLimit(int MaxStarts, TimeSpan Window)
{
    /// <summary>Name of the per-number cap setting.</summary>
    public const string MaxStartsSetting = "SmsVerificationMaxStartsPerNumber";

    /// <summary>Name of the window setting.</summary>
    public const string WindowSecondsSetting = "SmsVerificationStartWindowSeconds";

    /// <summary>5 starts per number per 10 minutes.</summary>
    public static VerificationStartLimit Default { get; } = new(5, TimeSpan.FromMinutes(10));

    /// <summary>Reads the settings; blank means default.</summary>
    /// <param name="configuration">App settings.</param>
    /// <returns>The limit.</returns>
    /// <exception cref="InvalidOperationException">A value is not a whole number in range; the message names the setting.</exception>
    public static VerificationStartLimit Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new VerificationStartLimit(
            ReadInt(configuration, MaxStartsSetting, Default.MaxStarts, 1, 1_000_000),
            TimeSpan.FromSeconds(ReadInt(configuration, WindowSecondsSetting, (int)Default.Window.TotalSeconds, 1, 86_400)));
    }

    private static int ReadInt(IConfiguration configuration, string name, int defaultValue, int min, int max)
    {
        string? text = configuration[name];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            throw new InvalidOperationException($"The app setting '{name}' must be a whole number from {min} to {max}; it is '{text}'.");
        }

        return value;
    }
}
