namespace FunctionsHost.Cli;

/// <summary>A verb that cannot be carried out: its exit code, the HTTP status the management API answers with, and why.</summary>
internal sealed class CliException : Exception
{
    public CliException(int exitCode, int httpStatus, string message, string? field = null)
        : base(message)
    {
        this.ExitCode = exitCode;
        this.HttpStatus = httpStatus;
        this.Field = field;
    }

    /// <summary>The process exit code (<see cref="CliExitCodes"/>).</summary>
    public int ExitCode { get; }

    /// <summary>The status the HTTP API gives for the same refusal (the <c>status</c> of the JSON error).</summary>
    public int HttpStatus { get; }

    /// <summary>The option at fault, or null.</summary>
    public string? Field { get; }

    /// <summary>Bad usage (exit 2, HTTP 400).</summary>
    public static CliException BadUsage(string message, string? field = null) => new(CliExitCodes.BadUsage, StatusCodes.Status400BadRequest, message, field);

    /// <summary>Unknown instance (exit 1, HTTP 404).</summary>
    public static CliException NotFound(string instanceId) =>
        new(CliExitCodes.Refused, StatusCodes.Status404NotFound, $"No instance with ID '{instanceId}' exists in this task hub.", "id");

    /// <summary>Wrong state (exit 1, HTTP 409/410/412).</summary>
    public static CliException WrongState(int httpStatus, string message) => new(CliExitCodes.Refused, httpStatus, message, "id");
}
