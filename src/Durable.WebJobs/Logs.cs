using Microsoft.Extensions.Logging;

namespace Durable.WebJobs;

/// <summary>Log messages of the Durable WebJobs layer (event ids 3000-3099).</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Durable engine started for task hub '{HubName}'.")]
    public static partial void EngineStarted(ILogger logger, string hubName);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Durable engine stopped for task hub '{HubName}'.")]
    public static partial void EngineStopped(ILogger logger, string hubName);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Durable management API request {Method} {Path} failed.")]
    public static partial void ManagementRequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error, Message = "Durable management API request {Method} {Path} answered 503: the store is unavailable ({Reason}).")]
    public static partial void ManagementStoreUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Error, Message = "Durable management API request {Method} {Path} answered 503: the store has stopped, the outcome is unknown ({Reason}).")]
    public static partial void ManagementStoreFailed(ILogger logger, string method, string path, string reason);
}
