using Microsoft.Azure.WebJobs;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace Twilio.WebJobs.Tests.JobHost;

/// <summary>Functions indexed by the test JobHost; the first one is the sample's binding, verbatim.</summary>
public static class SmsFunctions
{
    [NoAutomaticTrigger]
    public static void SendSmsChallenge(
        string phone,
        string body,
        [TwilioSms(AccountSidSetting = "TwilioAccountSid", AuthTokenSetting = "TwilioAuthToken", From = "%TwilioPhoneNumber%")]
        out CreateMessageOptions message)
    {
        message = new CreateMessageOptions(new PhoneNumber(phone));
        message.Body = body;
    }

    [NoAutomaticTrigger]
    public static async Task SendTwo(
        string phone,
        [TwilioSms(From = "%TwilioPhoneNumber%", Body = "%DefaultSmsBody%")] IAsyncCollector<CreateMessageOptions> messages)
    {
        await messages.AddAsync(new CreateMessageOptions(new PhoneNumber(phone)) { Body = "first" });
        await messages.AddAsync(new CreateMessageOptions(new PhoneNumber(phone)) { From = new PhoneNumber("+15557654321") });
    }

    [NoAutomaticTrigger]
    public static void SendWithCollector(string phone, [TwilioSms(From = "%TwilioPhoneNumber%")] ICollector<CreateMessageOptions> messages)
    {
        messages.Add(new CreateMessageOptions(new PhoneNumber(phone)) { Body = "from ICollector" });
    }
}
