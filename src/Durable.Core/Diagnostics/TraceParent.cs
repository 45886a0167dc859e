using System.Diagnostics;
using SpanContext = System.Diagnostics.ActivityContext;

namespace Durable.Core.Diagnostics;

/// <summary>The W3C <c>traceparent</c> text of a span context, the form in which trace context is stored with an instance.</summary>
internal static class TraceParent
{
    /// <summary><c>00-{trace id}-{span id}-{flags}</c>.</summary>
    public static string Format(SpanContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? "01" : "00")}";

    /// <summary>The context stored as <paramref name="traceParent"/>; default when there is none or it is malformed.</summary>
    public static SpanContext Parse(string? traceParent) =>
        traceParent is not null && SpanContext.TryParse(traceParent, null, isRemote: true, out SpanContext context) ? context : default;
}
