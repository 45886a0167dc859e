namespace FunctionsHost.Security;

/// <summary>
/// The host's <see cref="ILoggerFactory"/>: the framework's own, whose loggers pass every entry through
/// <see cref="LogRedaction"/> first. Wrapping the factory rather than the providers keeps each provider's type, so
/// provider-specific settings (<c>Logging:Console:LogLevel</c>) still apply; they decide what is written, never whether
/// a key is.
/// </summary>
internal sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull =>
            state is IReadOnlyList<KeyValuePair<string, object?>> pairs && RedactedState.Needed(pairs, state.ToString())
                ? inner.BeginScope(new RedactedState(pairs, LogRedaction.Redact(state.ToString() ?? string.Empty)))
                : state is string text && LogRedaction.MayHoldKey(text) ? inner.BeginScope(LogRedaction.Redact(text))
                : inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            string message = formatter(state, exception);
            IReadOnlyList<KeyValuePair<string, object?>> pairs = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            Exception? shown = RedactedException.Of(exception);
            if (!RedactedState.Needed(pairs, message))
            {
                inner.Log(logLevel, eventId, state, shown, ReferenceEquals(shown, exception) ? formatter : (s, _) => formatter(s, exception));
                return;
            }

            inner.Log(logLevel, eventId, new RedactedState(pairs, LogRedaction.Redact(message)), shown, static (s, _) => s.ToString());
        }
    }

    /// <summary>A log state with every value that may hold a key replaced by its redacted text.</summary>
    private sealed class RedactedState(IReadOnlyList<KeyValuePair<string, object?>> pairs, string message) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly KeyValuePair<string, object?>[] values = [.. pairs.Select(p => p.Value is not null && LogRedaction.MayHoldKey(p.Value.ToString())
            ? new KeyValuePair<string, object?>(p.Key, LogRedaction.Redact(p.Value.ToString()!))
            : p)];

        public int Count => this.values.Length;

        public KeyValuePair<string, object?> this[int index] => this.values[index];

        public static bool Needed(IReadOnlyList<KeyValuePair<string, object?>> pairs, string? message) =>
            LogRedaction.MayHoldKey(message) || pairs.Any(p => p.Value is not null && p.Value is not (int or long or bool or double) && LogRedaction.MayHoldKey(p.Value.ToString()));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)this.values).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => this.GetEnumerator();

        public override string ToString() => message;
    }
}
