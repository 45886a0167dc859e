using Durable.Core.History;
using Durable.Core.Serialization;

namespace Durable.Core.Execution;

/// <summary>
/// Replays one episode: past history (IsReplaying = true) then the new events, through the orchestrator
/// code on its own synchronization context, and decides the outcome. No I/O happens here; the invoker
/// only wraps the call (WebJobs binding and logging), so literal histories can be unit-tested.
/// </summary>
internal static class OrchestrationExecutor
{
    public static async Task<EpisodeResult> ExecuteAsync(
        IOrchestratorInvoker invoker,
        string instanceId,
        string name,
        IReadOnlyList<HistoryEvent> pastEvents,
        IReadOnlyList<HistoryEvent> newEvents,
        CancellationToken cancellationToken)
    {
        HistoryEvent? started = pastEvents.Concat(newEvents).FirstOrDefault(e => e.EventType == EventType.ExecutionStarted);
        OrchestrationSynchronizationContext scheduler = new();
        ReplayContext context = new(instanceId, name, started?.InstanceId, scheduler);
        Episode episode = new(context, scheduler);
        OrchestratorInvocation invocation = new(context, startUserCode =>
        {
            episode.Replay(startUserCode, pastEvents, newEvents);
            return Task.CompletedTask;
        });

        await invoker.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        return episode.Result ?? throw new InvalidOperationException($"The invoker of orchestrator '{name}' did not run its episode.");
    }

    /// <summary>The state of one replay, kept apart from the context so the context stays the user's API.</summary>
    private sealed class Episode
    {
        private readonly ReplayContext context;
        private readonly OrchestrationSynchronizationContext scheduler;
        private readonly List<(HistoryEvent Event, bool Replaying)> heldWhileSuspended = [];
        private Func<Task<object?>>? startUserCode;
        private Task<object?>? userTask;
        private bool suspended;
        private HistoryEvent? terminated;

        public Episode(ReplayContext context, OrchestrationSynchronizationContext scheduler)
        {
            this.context = context;
            this.scheduler = scheduler;
        }

        public EpisodeResult? Result { get; private set; }

        public void Replay(Func<Task<object?>> startUserCode, IReadOnlyList<HistoryEvent> pastEvents, IReadOnlyList<HistoryEvent> newEvents)
        {
            if (this.Result is not null)
            {
                throw new InvalidOperationException("An episode runs once.");
            }

            this.startUserCode = startUserCode;
            foreach (HistoryEvent e in pastEvents)
            {
                this.Process(e, replaying: true);
            }

            foreach (HistoryEvent e in newEvents)
            {
                this.Process(e, replaying: false);
            }

            this.Result = this.Decide();
        }

        private void Process(HistoryEvent e, bool replaying)
        {
            if (this.terminated is not null || this.context.NonDeterminism is not null)
            {
                return;
            }

            // While suspended, events are history but not yet seen by the code; resume plays them in order.
            if (this.suspended && e.EventType is not (EventType.ExecutionResumed or EventType.ExecutionTerminated or EventType.OrchestratorStarted))
            {
                this.heldWhileSuspended.Add((e, replaying));
                return;
            }

            this.context.Replaying = replaying;
            switch (e.EventType)
            {
                case EventType.ExecutionStarted:
                    this.context.SetInput(e.Input);
                    this.scheduler.Run(this.StartUserCode);
                    break;
                case EventType.ExecutionTerminated:
                    this.terminated = e;
                    break;
                case EventType.ExecutionSuspended:
                    this.suspended = true;
                    break;
                case EventType.ExecutionResumed:
                    this.suspended = false;
                    List<(HistoryEvent Event, bool Replaying)> held = [.. this.heldWhileSuspended];
                    this.heldWhileSuspended.Clear();
                    foreach ((HistoryEvent heldEvent, bool heldReplaying) in held)
                    {
                        this.Process(heldEvent, heldReplaying);
                    }

                    break;
                default:
                    this.scheduler.Run(() => this.context.Apply(e));
                    break;
            }
        }

        private void StartUserCode()
        {
            if (this.userTask is not null)
            {
                return;
            }

            try
            {
                this.userTask = this.startUserCode!();
            }
            catch (Exception ex)
            {
                this.userTask = Task.FromException<object?>(ex);
            }
        }

        private EpisodeResult Decide()
        {
            string? customStatus = this.context.CustomStatusJson;
            if (this.context.NonDeterminism is { } nonDeterminism)
            {
                return this.Failed(nonDeterminism, nonDeterminism.Message);
            }

            if (this.terminated is not null)
            {
                return new EpisodeResult { Status = OrchestrationStatus.Terminated, Output = this.terminated.Input, CustomStatus = customStatus };
            }

            if (this.userTask is null)
            {
                return this.Running(customStatus);
            }

            if (this.userTask.IsFaulted || this.userTask.IsCanceled)
            {
                Exception error = this.userTask.Exception?.InnerException ?? new TaskCanceledException(this.userTask);
                return this.Failed(error, $"Orchestrator function '{this.context.Name}' failed: {error.Message}");
            }

            if (this.userTask.IsCompleted && this.context.OpenTaskCount == 0)
            {
                if (this.context.ContinueAsNewRequest is { } next)
                {
                    return new EpisodeResult
                    {
                        Status = OrchestrationStatus.ContinuedAsNew,
                        CustomStatus = customStatus,
                        ContinueAsNewInput = next.Input,
                        CarriedEvents = next.PreserveEvents ? [.. this.context.UnconsumedEvents] : [],
                    };
                }

                return new EpisodeResult
                {
                    Status = OrchestrationStatus.Completed,
                    Output = JsonDataConverter.Serialize(this.userTask.Result),
                    CustomStatus = customStatus,
                };
            }

            if (!this.userTask.IsCompleted && this.context.OpenTaskCount == 0 && !this.context.HasEventWaiters && !this.suspended)
            {
                // Nothing durable can ever resume this code: it awaited I/O, Task.Delay or another non-durable task.
                InvalidOperationException stuck = new(
                    $"Orchestrator function '{this.context.Name}' awaited a task that was not created by its orchestration context " +
                    "(for example I/O, Task.Delay or Task.Run). Orchestrators may only await durable tasks; move such work into an activity.");
                return this.Failed(stuck, stuck.Message);
            }

            return this.suspended
                ? new EpisodeResult { Status = OrchestrationStatus.Suspended, CustomStatus = customStatus }
                : this.Running(customStatus);
        }

        private EpisodeResult Running(string? customStatus) => new()
        {
            Status = OrchestrationStatus.Running,
            CustomStatus = customStatus,
            NewActions = [.. this.context.NewActions],
        };

        private EpisodeResult Failed(Exception error, string message) => new()
        {
            Status = OrchestrationStatus.Failed,
            Output = JsonDataConverter.Serialize(message),
            Failure = error,
            CustomStatus = this.context.CustomStatusJson,
        };
    }
}
