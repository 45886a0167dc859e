using Microsoft.Azure.WebJobs.Description;

namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>
/// Marks the input parameter of an activity function: an <see cref="IDurableActivityContext"/>, or any type the
/// activity input deserializes to (e.g. <c>[ActivityTrigger] string phoneNumber</c>).
/// </summary>
/// <remarks>The function's return value (if any) is the activity result.</remarks>
[AttributeUsage(AttributeTargets.Parameter)]
#pragma warning disable CS0618 // TriggerHandlesReturnValue is how WebJobs lets a trigger own the return value; Durable Functions uses it too.
[Binding(TriggerHandlesReturnValue = true)]
#pragma warning restore CS0618
public sealed class ActivityTriggerAttribute : Attribute
{
    /// <summary>Gets or sets the activity name; null means the <c>[FunctionName]</c>, else the method name.</summary>
    public string? Activity { get; set; }
}
