namespace Twilio.WebJobs;

/// <summary>App setting names the Twilio binding reads (environment variables or local.settings.json <c>Values</c>).</summary>
public static class TwilioSettingNames
{
    /// <summary>Account SID, <c>AC</c> + 32 hex digits. Default of <c>[TwilioSms(AccountSidSetting)]</c>.</summary>
    public const string AccountSid = "TwilioAccountSid";

    /// <summary>Auth Token (a secret). Default of <c>[TwilioSms(AuthTokenSetting)]</c>.</summary>
    public const string AuthToken = "TwilioAuthToken";

    /// <summary>Sender number in E.164 form, used by the sample as <c>From = "%TwilioPhoneNumber%"</c>.</summary>
    public const string PhoneNumber = "TwilioPhoneNumber";

    /// <summary>Base URL of the Twilio REST API; default <c>https://api.twilio.com</c>.</summary>
    public const string ApiBaseUrl = "TwilioApiBaseUrl";

    /// <summary>Environment name read first (Azure Functions convention).</summary>
    public const string FunctionsEnvironment = "AZURE_FUNCTIONS_ENVIRONMENT";

    /// <summary>Environment name read second (ASP.NET Core convention).</summary>
    public const string AspNetCoreEnvironment = "ASPNETCORE_ENVIRONMENT";

    /// <summary>Environment name read last (generic host convention).</summary>
    public const string DotNetEnvironment = "DOTNET_ENVIRONMENT";
}
