using System.Diagnostics;

namespace Durable.Core.Diagnostics;

/// <summary>
/// Names under which the engine reports traces (<see cref="ActivitySource"/>) and metrics (<see cref="System.Diagnostics.Metrics.Meter"/>).
/// The engine uses only these BCL types; a host subscribes with OpenTelemetry or any other listener. With no listener
/// nothing is recorded and nothing extra is stored.
/// </summary>
public static class DurableDiagnostics
{
    /// <summary>The activity source of orchestration, activity and client spans.</summary>
    public const string ActivitySourceName = "Durable.Core";

    /// <summary>The meter of the engine's instruments (one meter per engine, all with this name).</summary>
    public const string MeterName = "Durable.Core";

    /// <summary>Shared by every engine of the process: spans carry the instance id, so they need no per-engine source.</summary>
    internal static readonly ActivitySource Source = new(ActivitySourceName, typeof(DurableDiagnostics).Assembly.GetName().Version?.ToString());
}
