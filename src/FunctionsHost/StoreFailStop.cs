using Durable.Core.Storage;

namespace FunctionsHost;

/// <summary>
/// Fail-stop for a store that stopped for good (a failed fsync of SQLite's write-ahead log, see
/// <see cref="IStoreFailureNotifier"/>): logs one error line, stops the host, and makes the process exit with
/// <see cref="ExitCodeOnStoreFailure"/>, so a supervisor (systemd, Docker's restart policy, Kubernetes) starts it again
/// on a fresh file handle. Until the process is gone every call answers 503 "outcome unknown" (see <c>Http/JsonErrors</c>).
/// </summary>
internal sealed partial class StoreFailStop : BackgroundService
{
    /// <summary>The process exit code after a store failure: EX_IOERR of sysexits.h.</summary>
    public const int ExitCodeOnStoreFailure = 74;

    private readonly IOrchestrationStore store;
    private readonly IHostApplicationLifetime lifetime;
    private readonly ILogger<StoreFailStop> logger;

    public StoreFailStop(IOrchestrationStore store, IHostApplicationLifetime lifetime, ILogger<StoreFailStop> logger)
    {
        this.store = store;
        this.lifetime = lifetime;
        this.logger = logger;
    }

    /// <summary>The code the process must exit with: <see cref="ExitCodeOnStoreFailure"/> once the store failed, else null.</summary>
    public int? ExitCode { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (this.store is not IStoreFailureNotifier notifier)
        {
            return;
        }

        StoreFailedException failure;
        try
        {
            failure = await notifier.Failed.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        this.ExitCode = ExitCodeOnStoreFailure;
        Log.StoreFailed(this.logger, ExitCodeOnStoreFailure, failure.Message);
        this.lifetime.StopApplication();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4200, Level = LogLevel.Critical, Message = "Stopping with exit code {ExitCode}: {Reason} Restart the host to go on.")]
        public static partial void StoreFailed(ILogger logger, int exitCode, string reason);
    }
}
