using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace PhoneVerification;

/// <summary>The challenge rules from app settings, with the sample's defaults.</summary>
/// <param name="TimeoutSeconds">Setting <c>SmsChallengeTimeoutSeconds</c>: the answer window (default 90).</param>
/// <param name="MaxAttempts">Setting <c>SmsChallengeMaxAttempts</c>: answers accepted (default 4).</param>
public sealed record SmsChallengeSettings(int TimeoutSeconds, int MaxAttempts)
{
    /// <summary>Name of the window setting.</summary>
    public const string TimeoutSecondsSetting = "SmsChallengeTimeoutSeconds";

    /// <summary>Name of the attempts setting.</summary>
    public const string MaxAttemptsSetting = "SmsChallengeMaxAttempts";

    /// <summary>The sample's rules: 90 seconds, 4 attempts.</summary>
    public static SmsChallengeSettings Default { get; } = new(90, 4);

    /// <summary>Reads the settings; blank means default.</summary>
    /// <param name="configuration">App settings.</param>
    /// <returns>The rules.</returns>
    /// <exception cref="InvalidOperationException">A value is not a whole number in range; the message names the setting.</exception>
    public static SmsChallengeSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new SmsChallengeSettings(
            ReadInt(configuration, TimeoutSecondsSetting, Default.TimeoutSeconds, 1, 86_400),
            ReadInt(configuration, MaxAttemptsSetting, Default.MaxAttempts, 1, 100));
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
