namespace Microsoft.Azure.WebJobs.Extensions.DurableTask;

/// <summary>Thrown in an orchestrator when an activity or sub-orchestration it awaited failed.</summary>
public class FunctionFailedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="FunctionFailedException"/> class.</summary>
    /// <param name="message">The error message.</param>
    public FunctionFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FunctionFailedException"/> class.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="innerException">The failure as recorded in history.</param>
    public FunctionFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
