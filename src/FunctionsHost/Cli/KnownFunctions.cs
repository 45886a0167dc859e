using Durable.Core;
using FunctionsHost.Http;

namespace FunctionsHost.Cli;

/// <summary>
/// The app's orchestrator and activity names, found the way the host indexes them, so <c>start-new</c> refuses an
/// unknown orchestrator exactly as the host does. The command line never runs a function: work is left to the hosts.
/// </summary>
internal sealed class KnownFunctions : IOrchestratorInvoker, IActivityInvoker
{
    private readonly HashSet<string> orchestrators;
    private readonly HashSet<string> activities;

    public KnownFunctions(IEnumerable<Type> functionTypes)
    {
        IReadOnlyList<FunctionEntry> functions = FunctionCatalog.Discover(functionTypes, string.Empty);
        this.orchestrators = new HashSet<string>(functions.Where(f => f.Trigger == "orchestrationTrigger").Select(f => f.Name), StringComparer.OrdinalIgnoreCase);
        this.activities = new HashSet<string>(functions.Where(f => f.Trigger == "activityTrigger").Select(f => f.Name), StringComparer.OrdinalIgnoreCase);
    }

    public bool IsOrchestrator(string name) => this.orchestrators.Contains(name);

    public bool IsActivity(string name) => this.activities.Contains(name);

    public Task InvokeAsync(OrchestratorInvocation invocation, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The durable command line starts no dispatcher; hosts run the functions.");

    public Task<object?> InvokeAsync(ActivityContext context, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The durable command line starts no dispatcher; hosts run the functions.");
}
