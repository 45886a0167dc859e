namespace Durable.Core.Tests.Fakes;

/// <summary>
/// Fails to invoke one orchestrator (as when its binding fails before user code runs) for its first
/// <c>failures</c> attempts, counting them; every other call goes to the registry.
/// </summary>
internal sealed class BrokenOrchestratorInvoker : IOrchestratorInvoker
{
    private readonly FunctionRegistry functions;
    private readonly string brokenName;
    private readonly int failures;
    private int attempts;

    public BrokenOrchestratorInvoker(FunctionRegistry functions, string brokenName, int failures = int.MaxValue)
    {
        this.functions = functions;
        this.brokenName = brokenName;
        this.failures = failures;
    }

    /// <summary>How many times the broken orchestrator was invoked.</summary>
    public int Attempts => Volatile.Read(ref this.attempts);

    public bool IsOrchestrator(string name) => this.functions.IsOrchestrator(name);

    public Task InvokeAsync(OrchestratorInvocation invocation, CancellationToken cancellationToken)
    {
        if (string.Equals(invocation.Context.Name, this.brokenName, StringComparison.OrdinalIgnoreCase)
            && Interlocked.Increment(ref this.attempts) <= this.failures)
        {
            throw new InvalidOperationException("The orchestrator's binding failed.");
        }

        return this.functions.InvokeAsync(invocation, cancellationToken);
    }
}
