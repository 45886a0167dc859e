using Durable.Core.Diagnostics;

namespace FunctionsHost.Observability;

/// <summary>Every activity source and meter the host subscribes to.</summary>
internal static class TelemetryNames
{
    /// <summary>The host's own meter (the instance-status gauge).</summary>
    public const string HostMeter = "FunctionsHost";

    /// <summary>ASP.NET Core's meter of HTTP server requests.</summary>
    public const string AspNetCoreHosting = "Microsoft.AspNetCore.Hosting";

    public static readonly string[] Sources = [DurableDiagnostics.ActivitySourceName];

    public static readonly string[] Meters =
    [
        DurableDiagnostics.MeterName,
        Durable.Sqlite.SqliteStoreMetrics.MeterName,
        Twilio.WebJobs.TwilioMetrics.MeterName,
        PhoneVerification.VerificationOutcomes.MeterName,
        HostMeter,
    ];
}
