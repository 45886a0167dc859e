using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace FunctionsHost.Pages;

/// <summary>Which of the host's two pages are served (app settings, checked at start).</summary>
/// <param name="Dashboard">Setting <c>FunctionsHostDashboard</c>: serve <c>/dashboard/</c> (default true; its data needs the same keys as the API).</param>
/// <param name="VerificationPage">Setting <c>FunctionsHostVerificationPage</c>: serve the end-user page at <c>/</c> (default: in Development only).</param>
internal sealed record PageSettings(bool Dashboard, bool VerificationPage)
{
    public const string DashboardSetting = "FunctionsHostDashboard";
    public const string VerificationPageSetting = "FunctionsHostVerificationPage";

    /// <summary>Reads the settings; a value that is not true or false stops the host with the setting's name.</summary>
    public static PageSettings Read(IConfiguration configuration, bool development) => new(
        ReadBool(configuration, DashboardSetting, defaultValue: true),
        ReadBool(configuration, VerificationPageSetting, defaultValue: development));

    private static bool ReadBool(IConfiguration configuration, string name, bool defaultValue)
    {
        string? text = configuration[name];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        return bool.TryParse(text.Trim(), out bool value)
            ? value
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The app setting '{name}' must be true or false; it is '{text}'."));
    }
}
