namespace Durable.Core;

/// <summary>
/// Thrown inside an orchestrator when an activity or sub-orchestration it awaited failed. Carries the
/// failed function's error message and exception type name, as recorded in history.
/// </summary>
public sealed class TaskFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TaskFailedException(string functionName, string? errorType, string message, string? details, string? reason = null)
        : base(message)
    {
        this.FunctionName = functionName;
        this.Reason = reason ?? message;
        this.ErrorType = errorType;
        this.Details = details;
    }

    /// <summary>The activity or sub-orchestrator that failed.</summary>
    public string FunctionName { get; }

    /// <summary>The failed function's own error message, without the engine's "The ... function 'X' failed:" wording.</summary>
    public string Reason { get; }

    /// <summary>Full name of the exception type it threw, when known.</summary>
    public string? ErrorType { get; }

    /// <summary>Failure details (stack trace) as recorded.</summary>
    public string? Details { get; }
}
