using Microsoft.Extensions.Logging;

namespace Twilio.WebJobs;

/// <summary>Every log line of this assembly, with fixed event ids. None of them takes a credential.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "[dev outbox] SMS to {To} from {From}: {Body}")]
    internal static partial void DevOutboxMessage(this ILogger logger, string to, string from, string body);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Twilio accepted SMS {Sid} to {To} with status {Status}")]
    internal static partial void SmsAccepted(this ILogger logger, string? sid, string to, string? status);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Twilio answered HTTP {Status} on attempt {Attempt} of {MaxAttempts}; retrying in {DelayMs} ms")]
    internal static partial void RetryingAfterStatus(this ILogger logger, int status, int attempt, int maxAttempts, double delayMs);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Could not reach Twilio at {Host} on attempt {Attempt} of {MaxAttempts}; retrying in {DelayMs} ms")]
    internal static partial void RetryingAfterNetworkError(this ILogger logger, Exception exception, string host, int attempt, int maxAttempts, double delayMs);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Twilio credentials are not configured and the environment is Development: SMS messages go to the development outbox (GET /dev/outbox), not to phones")]
    internal static partial void DevOutboxActive(this ILogger logger);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Twilio SMS delivery through {BaseUrl}")]
    internal static partial void TwilioActive(this ILogger logger, Uri baseUrl);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "The outcome of SMS attempt {Attempt} of {MaxAttempts} to {To} is unknown ({Reason}); asking Twilio's message list whether it was accepted")]
    internal static partial void OutcomeUnknown(this ILogger logger, int attempt, int maxAttempts, string to, string reason);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Twilio's message list shows SMS {Sid} to {To} as accepted; it is not sent again")]
    internal static partial void ConfirmedAccepted(this ILogger logger, string? sid, string to);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "SMS to {To} is not in Twilio's message list; looking again in {DelayMs} ms in case the list lags")]
    internal static partial void NotListedYet(this ILogger logger, string to, double delayMs);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "SMS to {To} was not accepted (absent from Twilio's message list twice); sending it again")]
    internal static partial void NotAcceptedResending(this ILogger logger, string to);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Could not read Twilio's message list (look-up {Lookup} of {MaxLookups}); retrying in {DelayMs} ms")]
    internal static partial void LookupFailed(this ILogger logger, Exception exception, int lookup, int maxLookups, double delayMs);
}
