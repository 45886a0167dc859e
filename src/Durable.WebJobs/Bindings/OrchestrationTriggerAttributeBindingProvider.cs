using System.Reflection;
using Durable.WebJobs.ContextImplementations;
using Durable.WebJobs.Hosting;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Azure.WebJobs.Host.Bindings;
using Microsoft.Azure.WebJobs.Host.Listeners;
using Microsoft.Azure.WebJobs.Host.Protocols;
using Microsoft.Azure.WebJobs.Host.Triggers;

namespace Durable.WebJobs.Bindings;

/// <summary>Binds <c>[OrchestrationTrigger] IDurableOrchestrationContext</c> and registers the orchestrator with the engine.</summary>
internal sealed class OrchestrationTriggerAttributeBindingProvider : ITriggerBindingProvider
{
    private readonly DurableFunctionRegistry registry;
    private readonly DurableEngineHost host;

    public OrchestrationTriggerAttributeBindingProvider(DurableFunctionRegistry registry, DurableEngineHost host)
    {
        this.registry = registry;
        this.host = host;
    }

    public Task<ITriggerBinding?> TryCreateAsync(TriggerBindingProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ParameterInfo parameter = context.Parameter;
        OrchestrationTriggerAttribute? trigger = parameter.GetCustomAttribute<OrchestrationTriggerAttribute>(inherit: false);
        if (trigger is null)
        {
            return Task.FromResult<ITriggerBinding?>(null);
        }

        if (!parameter.ParameterType.IsAssignableFrom(typeof(IDurableOrchestrationContext)))
        {
            throw new InvalidOperationException(
                $"Can't bind OrchestrationTrigger to type '{parameter.ParameterType}': use {nameof(IDurableOrchestrationContext)}.");
        }

        string name = FunctionNames.Resolve(trigger.Orchestration, parameter);
        if (name.StartsWith('@'))
        {
            throw new ArgumentException("Orchestration names must not start with @.");
        }

        this.registry.RegisterOrchestrator(name, null);
        return Task.FromResult<ITriggerBinding?>(new Binding(this, parameter, name));
    }

    private sealed class Binding : ITriggerBinding
    {
        private readonly OrchestrationTriggerAttributeBindingProvider provider;
        private readonly ParameterInfo parameter;
        private readonly string name;

        public Binding(OrchestrationTriggerAttributeBindingProvider provider, ParameterInfo parameter, string name)
        {
            this.provider = provider;
            this.parameter = parameter;
            this.name = name;
            this.BindingDataContract = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
            {
                // Any return type: the engine takes the return value from the invocation task (InvokeHandler).
                ["$return"] = typeof(object).MakeByRefType(),
                [parameter.Name!] = parameter.ParameterType,
            };
        }

        public Type TriggerValueType => typeof(IDurableOrchestrationContext);

        public IReadOnlyDictionary<string, Type> BindingDataContract { get; }

        public Task<ITriggerData> BindAsync(object? value, ValueBindingContext context)
        {
            if (value is OrchestrationContextAdapter orchestrationContext)
            {
                Dictionary<string, object?> bindingData = new(StringComparer.OrdinalIgnoreCase) { [this.parameter.Name!] = orchestrationContext };

                // No return value binder: the return value is read from the invocation task (see DurableFunctionRegistry).
                return Task.FromResult<ITriggerData>(new TriggerData(new ObjectValueProvider(orchestrationContext, this.parameter.ParameterType), bindingData));
            }

            throw new InvalidOperationException(
                $"Orchestrator function '{this.name}' does not support direct invocation. Start an orchestration from a client function by using a Durable client.");
        }

        public Task<IListener> CreateListenerAsync(ListenerFactoryContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            this.provider.registry.RegisterOrchestrator(this.name, context.Executor);
            return Task.FromResult<IListener>(new DurableTaskListener(this.provider.host));
        }

        public ParameterDescriptor ToParameterDescriptor() => new() { Name = this.parameter.Name };
    }
}
