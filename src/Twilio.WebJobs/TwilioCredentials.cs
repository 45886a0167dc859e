namespace Twilio.WebJobs;

/// <summary>An Account SID and its Auth Token, used for HTTP Basic authentication against Twilio.</summary>
/// <remarks>Not a record on purpose: a generated <c>ToString</c> would print the token into logs and exception text.</remarks>
public sealed class TwilioCredentials
{
    /// <summary>Creates credentials.</summary>
    /// <param name="accountSid">The Account SID (<c>AC…</c>); it is also part of the request path.</param>
    /// <param name="authToken">The Auth Token.</param>
    public TwilioCredentials(string accountSid, string authToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountSid);
        ArgumentException.ThrowIfNullOrWhiteSpace(authToken);
        this.AccountSid = accountSid;
        this.AuthToken = authToken;
    }

    /// <summary>The Account SID.</summary>
    public string AccountSid { get; }

    /// <summary>The Auth Token. Never log it.</summary>
    public string AuthToken { get; }

    /// <summary>Describes the credentials without the token.</summary>
    public override string ToString() => $"TwilioCredentials {{ AccountSid = {this.AccountSid}, AuthToken = *** }}";
}
