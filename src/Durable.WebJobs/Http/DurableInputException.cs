namespace Durable.WebJobs.Http;

/// <summary>A request the management API refuses before touching the store: its status, message and the field at fault.</summary>
internal sealed class DurableInputException : Exception
{
    public DurableInputException(int statusCode, string message, string field, string? detail = null)
        : base(message)
    {
        this.StatusCode = statusCode;
        this.Field = field;
        this.Detail = detail;
    }

    /// <summary>What exactly is wrong, shown as <c>ExceptionMessage</c> (e.g. the JSON parser's position).</summary>
    public string? Detail { get; }

    /// <summary>The HTTP status (400, 413, 415, 429).</summary>
    public int StatusCode { get; }

    /// <summary>The query parameter, header, route segment or <c>body</c> that is wrong.</summary>
    public string Field { get; }
}
