namespace Durable.Core;

/// <summary>Runs activity functions for the engine; the WebJobs layer implements it over the JobHost.</summary>
public interface IActivityInvoker
{
    /// <summary>True when an activity with this name exists (case-insensitive).</summary>
    bool IsActivity(string name);

    /// <summary>Runs the activity and returns its result (serialized by the engine); throwing fails the task.</summary>
    Task<object?> InvokeAsync(ActivityContext context, CancellationToken cancellationToken);
}
