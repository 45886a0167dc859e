using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FunctionsHost.Observability;

/// <summary>Writes a health report as JSON: <c>{"status": "Healthy", "checks": {"store": {"status", "description", "durationMs"}}}</c>.</summary>
internal static class HealthJson
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(
            context.Response.Body,
            new
            {
                status = report.Status.ToString(),
                totalDurationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
                checks = report.Entries.ToDictionary(
                    e => e.Key,
                    e => new { status = e.Value.Status.ToString(), description = e.Value.Description, durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1) }),
            },
            cancellationToken: context.RequestAborted);
    }
}
