namespace Durable.Core.Tests.Execution;

/// <summary>Runs one orchestrator body as the WebJobs layer would, without a JobHost: the executor's only seam.</summary>
internal sealed class DelegateOrchestratorInvoker : IOrchestratorInvoker
{
    private readonly Func<OrchestrationContext, Task<object?>> body;

    public DelegateOrchestratorInvoker(Func<OrchestrationContext, Task<object?>> body)
    {
        this.body = body;
    }

    public bool IsOrchestrator(string name) => true;

    public Task InvokeAsync(OrchestratorInvocation invocation, CancellationToken cancellationToken) =>
        invocation.RunEpisodeAsync(() => this.body(invocation.Context));
}
