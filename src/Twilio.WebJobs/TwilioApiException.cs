namespace Twilio.WebJobs;

/// <summary>Twilio answered a send request with an error (or kept failing with a retryable one).</summary>
/// <remarks>The message carries Twilio's code and text, e.g. 21211 for an invalid <c>To</c>; never credentials.</remarks>
public sealed class TwilioApiException : Exception
{
    /// <summary>Creates the exception from Twilio's error body.</summary>
    /// <param name="httpStatus">HTTP status of the response.</param>
    /// <param name="code">Twilio error code (<c>code</c>), if the body had one.</param>
    /// <param name="apiMessage">Twilio's message (<c>message</c>), or a description of a non-JSON answer.</param>
    /// <param name="moreInfo">Documentation link (<c>more_info</c>), if any.</param>
    /// <param name="attempts">How many requests were made before giving up.</param>
    public TwilioApiException(int httpStatus, int? code, string apiMessage, string? moreInfo, int attempts)
        : base(Describe(httpStatus, code, apiMessage, moreInfo, attempts))
    {
        this.HttpStatus = httpStatus;
        this.Code = code;
        this.ApiMessage = apiMessage;
        this.MoreInfo = moreInfo;
        this.Attempts = attempts;
    }

    /// <summary>HTTP status of the last response.</summary>
    public int HttpStatus { get; }

    /// <summary>Twilio error code, e.g. 21211; null when the server sent no Twilio error body.</summary>
    public int? Code { get; }

    /// <summary>Twilio's own error text.</summary>
    public string ApiMessage { get; }

    /// <summary>Link to Twilio's description of the error code.</summary>
    public string? MoreInfo { get; }

    /// <summary>Number of requests made (1 when the error was not retryable).</summary>
    public int Attempts { get; }

    private static string Describe(int httpStatus, int? code, string apiMessage, string? moreInfo, int attempts)
    {
        string codePart = code is null ? string.Empty : $", error {code}";
        string attemptsPart = attempts > 1 ? $" after {attempts} attempts" : string.Empty;
        string infoPart = string.IsNullOrEmpty(moreInfo) ? string.Empty : $" More info: {moreInfo}";
        return $"Twilio rejected the SMS (HTTP {httpStatus}{codePart}){attemptsPart}: {apiMessage}{infoPart}";
    }
}
