namespace FunctionsHost.Observability;

/// <summary>What the host measures and where it sends it (app settings and the standard OpenTelemetry variables).</summary>
/// <param name="MetricsEndpoint">Serve <c>GET /metrics</c> (setting <c>FunctionsHostMetricsEnabled</c>; default on in Development only).</param>
/// <param name="OtlpEndpoint"><c>OTEL_EXPORTER_OTLP_ENDPOINT</c>: traces and metrics are exported there; nothing is sent when unset.</param>
internal sealed record ObservabilitySettings(bool MetricsEndpoint, string? OtlpEndpoint)
{
    public const string MetricsEnabledSetting = "FunctionsHostMetricsEnabled";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Whether anything collects metrics: the endpoint or the exporter.</summary>
    public bool Metrics => this.MetricsEndpoint || this.OtlpEndpoint is not null;

    /// <summary>Reads the settings; a bad value stops the host with the setting's name.</summary>
    public static ObservabilitySettings Read(IConfiguration configuration, bool development)
    {
        string? text = configuration[MetricsEnabledSetting];
        bool metrics = string.IsNullOrWhiteSpace(text) ? development
            : bool.TryParse(text.Trim(), out bool value) ? value
            : throw new InvalidOperationException($"The setting {MetricsEnabledSetting} must be true or false; got '{text}'.");
        string? otlp = configuration[OtlpEndpointSetting] is { Length: > 0 } endpoint ? endpoint.Trim() : null;
        if (otlp is not null && !Uri.TryCreate(otlp, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException($"The setting {OtlpEndpointSetting} must be an absolute URL such as http://localhost:4318; got '{otlp}'.");
        }

        return new ObservabilitySettings(metrics, otlp);
    }
}
