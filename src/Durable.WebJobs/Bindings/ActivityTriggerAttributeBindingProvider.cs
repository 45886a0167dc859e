using System.Reflection;
using Durable.WebJobs.ContextImplementations;
using Durable.WebJobs.Hosting;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Azure.WebJobs.Host.Bindings;
using Microsoft.Azure.WebJobs.Host.Listeners;
using Microsoft.Azure.WebJobs.Host.Protocols;
using Microsoft.Azure.WebJobs.Host.Triggers;
using Newtonsoft.Json.Linq;

namespace Durable.WebJobs.Bindings;

/// <summary>
/// Binds <c>[ActivityTrigger]</c> to an <see cref="IDurableActivityContext"/> or to the input deserialized as the
/// parameter's type, and carries the return value back as the activity result.
/// </summary>
internal sealed class ActivityTriggerAttributeBindingProvider : ITriggerBindingProvider
{
    private const string InstanceIdBindingName = "instanceId";
    private const string DataBindingName = "data";

    private readonly DurableFunctionRegistry registry;
    private readonly DurableEngineHost host;

    public ActivityTriggerAttributeBindingProvider(DurableFunctionRegistry registry, DurableEngineHost host)
    {
        this.registry = registry;
        this.host = host;
    }

    public Task<ITriggerBinding?> TryCreateAsync(TriggerBindingProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ParameterInfo parameter = context.Parameter;
        ActivityTriggerAttribute? trigger = parameter.GetCustomAttribute<ActivityTriggerAttribute>(inherit: false);
        if (trigger is null)
        {
            return Task.FromResult<ITriggerBinding?>(null);
        }

        string name = FunctionNames.Resolve(trigger.Activity, parameter);
        this.registry.RegisterActivity(name, null);
        return Task.FromResult<ITriggerBinding?>(new Binding(this, parameter, name));
    }

    private sealed class Binding : ITriggerBinding
    {
        private readonly ActivityTriggerAttributeBindingProvider provider;
        private readonly ParameterInfo parameter;
        private readonly string name;

        public Binding(ActivityTriggerAttributeBindingProvider provider, ParameterInfo parameter, string name)
        {
            this.provider = provider;
            this.parameter = parameter;
            this.name = name;
            this.BindingDataContract = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
            {
                ["$return"] = typeof(object).MakeByRefType(),
                [InstanceIdBindingName] = typeof(string),
                [parameter.Name!] = parameter.ParameterType,
                [DataBindingName] = typeof(JToken),
            };
        }

        public Type TriggerValueType => typeof(IDurableActivityContext);

        public IReadOnlyDictionary<string, Type> BindingDataContract { get; }

        public Task<ITriggerData> BindAsync(object? value, ValueBindingContext context)
        {
            if (value is not ActivityContextAdapter activityContext)
            {
                throw new InvalidOperationException(
                    $"Activity function '{this.name}' does not support direct invocation. Call it from an orchestrator function.");
            }

            Type type = this.parameter.ParameterType;
            object? converted = type == typeof(IDurableActivityContext) ? activityContext
                : type == typeof(JToken) ? activityContext.GetInputAsJson()
                : type == typeof(JObject) ? activityContext.GetInputAsJson() as JObject
                : activityContext.GetInput(type);

            // Later keys win on conflicts, as in Durable Functions: the parameter's own name beats instanceId.
            Dictionary<string, object?> bindingData = new(StringComparer.OrdinalIgnoreCase)
            {
                [InstanceIdBindingName] = activityContext.InstanceId,
                [this.parameter.Name!] = converted,
                [DataBindingName] = activityContext.GetInputAsJson(),
            };

            TriggerData triggerData = new(new ObjectValueProvider(converted, type), bindingData)
            {
                ReturnValueProvider = new ReturnValueBinder(activityContext),
            };
            return Task.FromResult<ITriggerData>(triggerData);
        }

        public Task<IListener> CreateListenerAsync(ListenerFactoryContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            this.provider.registry.RegisterActivity(this.name, context.Executor);
            return Task.FromResult<IListener>(new DurableTaskListener(this.provider.host));
        }

        public ParameterDescriptor ToParameterDescriptor() => new() { Name = this.parameter.Name };
    }

    /// <summary>Receives the function's return value (WebJobs calls it after the function returns).</summary>
    private sealed class ReturnValueBinder : IValueBinder
    {
        private readonly ActivityContextAdapter context;

        public ReturnValueBinder(ActivityContextAdapter context)
        {
            this.context = context;
        }

        public Type Type => typeof(object);

        public Task<object?> GetValueAsync() => throw new NotSupportedException("This binder only receives the return value.");

        public Task SetValueAsync(object? value, CancellationToken cancellationToken)
        {
            this.context.SetOutput(value);
            return Task.CompletedTask;
        }

        public string ToInvokeString() => string.Empty;
    }
}
