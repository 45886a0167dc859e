namespace Durable.Core.Tests.Fakes;

/// <summary>Activities that start and then hang until the engine cancels them (a host stopped mid-activity).</summary>
internal sealed class HangingActivityInvoker : IActivityInvoker
{
    private readonly FunctionRegistry functions;

    public HangingActivityInvoker(FunctionRegistry functions)
    {
        this.functions = functions;
    }

    /// <summary>Completes when the first activity has started.</summary>
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsActivity(string name) => this.functions.IsActivity(name);

    public async Task<object?> InvokeAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        this.Started.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return null;
    }
}
