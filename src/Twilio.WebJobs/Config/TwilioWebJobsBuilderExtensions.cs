using Microsoft.Azure.WebJobs;
using Microsoft.Extensions.DependencyInjection;
using Twilio.WebJobs;
using Twilio.WebJobs.Config;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the <c>[TwilioSms]</c> binding (same method name and namespace as the Azure extension).</summary>
public static class TwilioWebJobsBuilderExtensions
{
    /// <summary>
    /// Adds the <c>[TwilioSms]</c> output binding, <see cref="ITwilioClient"/> (over <c>IHttpClientFactory</c>),
    /// <see cref="SmsOutbox"/> and <see cref="TwilioSmsOptions"/> (section <c>AzureWebJobs:Extensions:Twilio</c>, then the
    /// <c>TwilioApiBaseUrl</c> app setting). Services registered earlier, such as a fake <see cref="ITwilioClient"/>, win.
    /// Calling it twice is harmless.
    /// </summary>
    /// <param name="builder">The WebJobs builder.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// The host start fails with a message naming the settings when Twilio is not, or only partly, configured
    /// (see <see cref="TwilioSettingsValidator"/>). In Development without credentials, messages go to the outbox.
    /// </remarks>
    public static IWebJobsBuilder AddTwilioSms(this IWebJobsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(Marker)))
        {
            return builder;
        }

        builder.Services.AddSingleton<Marker>();
        builder.AddExtension<TwilioExtensionConfigProvider>().BindOptions<TwilioSmsOptions>();
        builder.Services.AddTwilioSmsServices();
        TwilioServiceRegistration.DecorateNameResolver(builder.Services);
        return builder;
    }

    /// <summary>Adds the binding as <see cref="AddTwilioSms(IWebJobsBuilder)"/> does, then applies <paramref name="configure"/>.</summary>
    /// <param name="builder">The WebJobs builder.</param>
    /// <param name="configure">Adjusts delivery options; the <c>TwilioApiBaseUrl</c> app setting still wins for the base URL.</param>
    /// <returns>The builder.</returns>
    public static IWebJobsBuilder AddTwilioSms(this IWebJobsBuilder builder, Action<TwilioSmsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddTwilioSms();
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Marks the service collection as already holding the extension.</summary>
    private sealed class Marker;
}
