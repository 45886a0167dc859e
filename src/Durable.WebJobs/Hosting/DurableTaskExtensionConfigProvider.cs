using Durable.WebJobs.Bindings;
using Durable.WebJobs.ContextImplementations;
using Durable.WebJobs.Http;
using Microsoft.Azure.WebJobs.Description;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Azure.WebJobs.Host.Config;

namespace Durable.WebJobs.Hosting;

/// <summary>Wires the three Durable bindings (one config provider per extension, as DurableTaskExtension.Initialize).</summary>
[Extension("DurableTask", "DurableTask")]
internal sealed class DurableTaskExtensionConfigProvider : IExtensionConfigProvider
{
    private readonly DurableFunctionRegistry registry;
    private readonly DurableEngineHost host;
    private readonly HttpManagementLinks links;

    public DurableTaskExtensionConfigProvider(DurableFunctionRegistry registry, DurableEngineHost host, HttpManagementLinks links)
    {
        this.registry = registry;
        this.host = host;
        this.links = links;
    }

    public void Initialize(ExtensionConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // var: naming FluentBindingRule<T> trips its [Obsolete] marker, though every WebJobs extension uses it this way.
        var orchestrationRule = context.AddBindingRule<OrchestrationTriggerAttribute>();
        orchestrationRule.BindToTrigger(new OrchestrationTriggerAttributeBindingProvider(this.registry, this.host));

        var activityRule = context.AddBindingRule<ActivityTriggerAttribute>();
        activityRule.BindToTrigger(new ActivityTriggerAttributeBindingProvider(this.registry, this.host));

        var clientRule = context.AddBindingRule<DurableClientAttribute>();
        clientRule.BindToInput<IDurableOrchestrationClient>(this.CreateClient);
        clientRule.BindToInput<IDurableClient>(this.CreateClient);
    }

    private DurableClientAdapter CreateClient(DurableClientAttribute attribute)
    {
        if (!string.IsNullOrEmpty(attribute.TaskHub)
            && !string.Equals(attribute.TaskHub, this.host.Options.HubName, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"[DurableClient(TaskHub = \"{attribute.TaskHub}\")] names a task hub this host does not serve; it serves '{this.host.Options.HubName}'.");
        }

        return new DurableClientAdapter(this.host, this.links, attribute.ConnectionName);
    }
}
