using Durable.Core.Serialization;

namespace Durable.Core;

/// <summary>What an activity invocation receives.</summary>
public sealed class ActivityContext
{
    /// <summary>Creates the context (the engine does this).</summary>
    public ActivityContext(string name, string instanceId, string? inputJson, int attempt)
        : this(name, instanceId, inputJson, attempt, $"{instanceId}:{name}")
    {
    }

    /// <summary>Creates the context with the id of the scheduled call (the engine does this).</summary>
    public ActivityContext(string name, string instanceId, string? inputJson, int attempt, string invocationId)
    {
        this.Name = name;
        this.InstanceId = instanceId;
        this.InputJson = inputJson;
        this.Attempt = attempt;
        this.InvocationId = invocationId;
    }

    /// <summary>Activity function name.</summary>
    public string Name { get; }

    /// <summary>The orchestration instance that scheduled it.</summary>
    public string InstanceId { get; }

    /// <summary>Input as stored JSON.</summary>
    public string? InputJson { get; }

    /// <summary>
    /// 1 on the first run; higher when an earlier run was cut off (crash, lost lease) and this is a retry.
    /// Activities run at least once, so a side effect such as an SMS can use this to avoid duplicates.
    /// </summary>
    public int Attempt { get; }

    /// <summary>
    /// Identifies the scheduled call, the same for every attempt of it and different for every other call (the
    /// orchestration's execution id and the call's task id): a key for making a retried side effect idempotent.
    /// </summary>
    public string InvocationId { get; }

    /// <summary>The input as <typeparamref name="T"/>.</summary>
    public T? GetInput<T>() => JsonDataConverter.Deserialize<T>(this.InputJson);

    /// <summary>The input as <paramref name="type"/>.</summary>
    public object? GetInput(Type type) => JsonDataConverter.Deserialize(this.InputJson, type);
}
