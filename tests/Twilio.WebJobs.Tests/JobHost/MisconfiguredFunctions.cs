using Microsoft.Azure.WebJobs;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace Twilio.WebJobs.Tests.JobHost;

/// <summary>A function whose binding names an account SID setting that the test host does not define.</summary>
public static class MisconfiguredFunctions
{
    [NoAutomaticTrigger]
    public static void Send(string phone, [TwilioSms(AccountSidSetting = "OtherAccountSid", From = "%TwilioPhoneNumber%")] out CreateMessageOptions message)
    {
        message = new CreateMessageOptions(new PhoneNumber(phone)) { Body = "x" };
    }
}
