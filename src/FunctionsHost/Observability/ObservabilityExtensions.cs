using Durable.Core.Diagnostics;
using FunctionsHost.Security;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FunctionsHost.Observability;

/// <summary>
/// OpenTelemetry for the host: the engine's, the stores', the Twilio binding's and the app's BCL instruments and spans,
/// plus ASP.NET Core and HttpClient instrumentation; <c>/metrics</c> (Prometheus text) and the OTLP exporter as
/// configured (<see cref="ObservabilitySettings"/>); <c>/health/live</c> and <c>/health/ready</c>.
/// </summary>
/// <remarks>
/// With neither <c>/metrics</c> nor an OTLP endpoint, no meter provider is built; with no OTLP endpoint (and no test
/// exporter), no tracer provider: nothing listens, so the instrumented code records nothing and stores no trace context.
/// </remarks>
internal static class ObservabilityExtensions
{
    private static readonly string[] Untraced = ["/metrics", "/health", "/dev/outbox"];

    public static void AddObservability(this WebApplicationBuilder builder, FunctionsHostOptions options)
    {
        ObservabilitySettings settings = ObservabilitySettings.Read(builder.Configuration, builder.Environment.IsDevelopment());
        IServiceCollection services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton<PhoneVerification.VerificationOutcomes>();
        services.AddSingleton<IOrchestrationObserver>(sp => sp.GetRequiredService<PhoneVerification.VerificationOutcomes>());
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: ["ready"])
            .AddCheck<EngineHealthCheck>("engine", tags: ["ready"]);

        bool tracing = settings.OtlpEndpoint is not null || options.ConfigureTracing is not null;
        if (!settings.Metrics && !tracing)
        {
            return;
        }

        OpenTelemetryBuilder telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "FunctionsHost"));
        if (settings.Metrics)
        {
            services.AddHostedService<InstanceStatusGauge>();
            telemetry.WithMetrics(metrics =>
            {
                // ASP.NET Core's request instruments (http.server.request.duration by route and status) only: its routing,
                // Kestrel and memory-pool instruments would cost CPU on every request for little a verification needs.
                metrics.AddMeter(TelemetryNames.Meters).AddMeter(TelemetryNames.AspNetCoreHosting);
                if (settings.MetricsEndpoint)
                {
                    metrics.AddPrometheusExporter();
                }

                if (settings.OtlpEndpoint is not null)
                {
                    metrics.AddOtlpExporter();
                }
            });
        }

        if (tracing)
        {
            telemetry.WithTracing(traces =>
            {
                traces.AddSource(TelemetryNames.Sources)
                    .AddAspNetCoreInstrumentation(o => o.Filter = Traced)
                    .AddHttpClientInstrumentation();
                if (settings.OtlpEndpoint is not null)
                {
                    traces.AddOtlpExporter();
                }

                options.ConfigureTracing?.Invoke(traces);
            });
        }
    }

    /// <summary>
    /// Requests that get a span: not the scrapes, probes and outbox reads, and not status polls (GETs on the management
    /// API): a client polls every few hundred milliseconds, so they would be most spans of a verification's trace and most
    /// of tracing's cost while saying nothing of the flow. They are still counted in <c>http.server.request.duration</c>.
    /// </summary>
    private static bool Traced(HttpContext context)
    {
        PathString path = context.Request.Path;
        return !Untraced.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))
            && !(HttpMethods.IsGet(context.Request.Method) && path.StartsWithSegments(Microsoft.Azure.WebJobs.Extensions.DurableTask.DurableTaskOptions.WebhookPath, StringComparison.OrdinalIgnoreCase));
    }

    public static void MapObservability(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthJson.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthJson.WriteAsync });
        if (app.Services.GetRequiredService<ObservabilitySettings>().MetricsEndpoint)
        {
            // The numbers say how busy the host is and which functions fail: an admin surface, as the outbox.
            app.MapPrometheusScrapingEndpoint("/metrics").RequireMasterKeyWhenEnforced();
        }
    }
}
