namespace FunctionsHost.Security;

/// <summary>
/// What a log entry gets instead of an exception whose text holds a key (a URL with <c>code=</c> in an HTTP client's
/// error, say): the same text, the original type's name and every inner exception included, with the keys hidden.
/// Providers write an exception's <see cref="ToString"/>, which is where its message, inner exceptions and stack are.
/// </summary>
internal sealed class RedactedException : Exception
{
    private readonly string text;

    private RedactedException(Exception original)
        : base(LogRedaction.Redact(original.Message))
    {
        this.text = LogRedaction.Redact(original.ToString());
        this.HResult = original.HResult;
    }

    /// <summary>The stack is in <see cref="ToString"/>, as the original wrote it.</summary>
    public override string? StackTrace => null;

    /// <summary><paramref name="exception"/> itself, or its redacted stand-in when its text may hold a key.</summary>
    public static Exception? Of(Exception? exception) =>
        exception is not null && LogRedaction.MayHoldKey(exception.ToString()) ? new RedactedException(exception) : exception;

    public override string ToString() => this.text;
}
