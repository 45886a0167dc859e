using Durable.Core.Diagnostics;
using Durable.Core.Dispatch;
using Microsoft.Extensions.Logging.Abstractions;
using SpanContext = System.Diagnostics.ActivityContext;

namespace Durable.Core.Tests.Fakes;

/// <summary>
/// A <see cref="WorkItemProcessor{TWorkItem, TResult}"/> over a work item that is just an instance id and a result that is
/// just a string: each step does what the test says and is recorded in <see cref="Calls"/>, with the scope's in <see cref="Scope"/>.
/// </summary>
internal sealed class RecordingWorkItemProcessor : WorkItemProcessor<string, string>
{
    private static readonly AsyncLocal<string?> Current = new();

    public RecordingWorkItemProcessor(DurableEngineOptions options, TimeProvider time)
        : base("test", options, time, NullLogger.Instance, new DurableTelemetry())
    {
    }

    /// <summary>Every step taken, in order ("run", "give-up:…", "complete:…", "abandon:…", "committed:…").</summary>
    public List<string> Calls { get; } = [];

    /// <summary>What the item's scope was told, in order.</summary>
    public List<string> Scope { get; } = [];

    /// <summary>How many times the item has been leased, this lease included.</summary>
    public int Attempts { get; set; } = 1;

    public bool Parkable { get; set; } = true;

    public Func<CancellationToken, Task<string>> Run { get; set; } = _ => Task.FromResult("done");

    public Func<string, Task> Complete { get; set; } = _ => Task.CompletedTask;

    public Func<TimeSpan, Task> Abandon { get; set; } = _ => Task.CompletedTask;

    protected override string InstanceIdOf(string workItem) => workItem;

    protected override string NameOf(string workItem) => "TestFunction";

    protected override int AttemptsOf(string workItem) => this.Attempts;

    protected override DateTimeOffset LeaseExpirationOf(string workItem) => this.Time.GetUtcNow() + this.Options.LeaseDuration;

    protected override bool CanPark(string workItem) => this.Parkable;

    /// <summary>Set when the scope opens, as a span becomes current: what the run saw of it.</summary>
    public string? CurrentDuringRun { get; private set; }

    protected override async ValueTask<SpanContext> FindTraceParentAsync(string workItem, CancellationToken cancellationToken)
    {
        // A real look-up (a store read) completes later.
        await Task.Yield();
        return default;
    }

    protected override IWorkItemScope<string> StartScope(string workItem, SpanContext parent)
    {
        Current.Value = workItem;
        return new RecordingScope(this.Scope);
    }

    protected override Task<string> RunAsync(string workItem, CancellationToken cancellationToken)
    {
        this.Calls.Add("run");
        this.CurrentDuringRun = Current.Value;
        return this.Run(cancellationToken);
    }

    protected override string GiveUp(string workItem, int failedAttempts, Exception? lastError)
    {
        this.Calls.Add($"give-up:{failedAttempts}:{lastError?.GetType().Name ?? "none"}");
        return "parked";
    }

    protected override async Task<string?> CompleteAsync(string workItem, string result)
    {
        this.Calls.Add("complete:" + result);
        await this.Complete(result);
        return null;
    }

    protected override Task<bool> RenewLeaseAsync(string workItem, CancellationToken cancellationToken) => Task.FromResult(true);

    protected override Task AbandonAsync(string workItem, TimeSpan retryDelay)
    {
        this.Calls.Add("abandon:" + retryDelay.TotalMilliseconds);
        return this.Abandon(retryDelay);
    }

    protected override void OnCommitted(string workItem, string result) => this.Calls.Add("committed:" + result);
}
