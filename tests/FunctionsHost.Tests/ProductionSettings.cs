namespace FunctionsHost.Tests;

/// <summary>
/// Settings a Production host needs to start (Twilio credentials; the API points at a closed loopback port, for tests
/// that send no SMS), plus any given.
/// </summary>
internal static class ProductionSettings
{
    public static Dictionary<string, string?> With(params (string Name, string? Value)[] extra)
    {
        Dictionary<string, string?> settings = new()
        {
            ["TwilioAccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["TwilioAuthToken"] = "test-auth-token",
            ["TwilioPhoneNumber"] = "+15005550006",
            ["TwilioApiBaseUrl"] = "http://127.0.0.1:9",
        };
        foreach ((string name, string? value) in extra)
        {
            settings[name] = value;
        }

        return settings;
    }
}
