namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>What an activity function can learn about its invocation (as Durable Functions' <c>IDurableActivityContext</c>).</summary>
public interface IDurableActivityContext
{
    /// <summary>Gets the name of the activity function.</summary>
    string Name { get; }

    /// <summary>Gets the instance ID of the orchestration that scheduled this activity.</summary>
    string InstanceId { get; }

    /// <summary>Gets the input of the activity as a deserialized value.</summary>
    /// <typeparam name="T">Any data contract type that matches the JSON input.</typeparam>
    /// <returns>The deserialized input value.</returns>
    T GetInput<T>();
}
