using Durable.Core;
using Durable.Core.Serialization;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Newtonsoft.Json.Linq;

namespace Durable.WebJobs.ContextImplementations;

/// <summary>The Durable Functions activity context over the engine's; also carries the function's return value back.</summary>
internal sealed class ActivityContextAdapter : IDurableActivityContext, IDurableActivityInvocation
{
    private readonly ActivityContext inner;

    public ActivityContextAdapter(ActivityContext inner)
    {
        this.inner = inner;
    }

    public string Name => this.inner.Name;

    public string InstanceId => this.inner.InstanceId;

    public int Attempt => this.inner.Attempt;

    public string InvocationId => this.inner.InvocationId;

    /// <summary>The function's return value, set by the trigger's return-value binder.</summary>
    public object? Output { get; private set; }

    public T GetInput<T>() => this.inner.GetInput<T>()!;

    public object? GetInput(Type type) => this.inner.GetInput(type);

    /// <summary>The input as JSON (the <c>data</c> binding expression).</summary>
    public JToken? GetInputAsJson() => JsonDataConverter.ToToken(this.inner.InputJson);

    public void SetOutput(object? output) => this.Output = output;
}
