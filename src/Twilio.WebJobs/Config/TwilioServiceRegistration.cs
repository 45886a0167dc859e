using Microsoft.Azure.WebJobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Twilio.WebJobs.Internal;

namespace Twilio.WebJobs.Config;

/// <summary>Service registrations behind <c>AddTwilioSms</c>, kept apart so tests can build the client without a JobHost.</summary>
internal static class TwilioServiceRegistration
{
    /// <summary>Registers the client, the outbox and the options. Existing registrations (fakes) win.</summary>
    internal static IServiceCollection AddTwilioSmsServices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SmsOutbox>();
        services.TryAddSingleton<ITwilioClient, TwilioRestClient>();
        services.TryAddSingleton<ISentSmsLookup, SentSmsLookup>();

        // Our own per-request timeout governs; the factory's 100 s default would cut a longer configured one short.
        // Header values are redacted in HttpClient logs because Authorization carries the (base64) auth token.
        // HTTP/1.0 answers close their connection (see Http10ConnectionCloseStream): a Twilio-compatible server that
        // closes after each answer must not have its closed socket reused for the next SMS.
        services.AddHttpClient(TwilioRestClient.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PlaintextStreamFilter = Http10ConnectionCloseStream.Filter })
            .RedactLoggedHeaders(_ => true);

        services.AddOptions<TwilioSmsOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<TwilioSmsOptions>, TwilioSmsOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioSmsOptions>, TwilioSmsOptionsSetup>());
        return services;
    }

    /// <summary>Wraps whatever <see cref="INameResolver"/> is registered (WebJobs' default otherwise) in <see cref="DevOutboxNameResolver"/>.</summary>
    internal static void DecorateNameResolver(IServiceCollection services)
    {
        ServiceDescriptor? existing = services.LastOrDefault(d => d.ServiceType == typeof(INameResolver) && !d.IsKeyedService);
        if (existing is not null)
        {
            services.Remove(existing);
        }

        services.AddSingleton<INameResolver>(provider =>
        {
            IConfiguration configuration = provider.GetRequiredService<IConfiguration>();
            INameResolver inner = existing is null ? new DefaultNameResolver(configuration) : CreateInner(provider, existing);
            return new DevOutboxNameResolver(inner, IsDevOutbox(configuration));
        });
    }

    private static INameResolver CreateInner(IServiceProvider provider, ServiceDescriptor descriptor) =>
        (INameResolver)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!));

    private static bool IsDevOutbox(IConfiguration configuration)
    {
        try
        {
            return TwilioSettingsValidator.Validate(configuration) == TwilioDeliveryMode.DevOutbox;
        }
        catch (InvalidOperationException)
        {
            // Bad settings: no stand-ins; the extension reports the problem when it initialises.
            return false;
        }
    }
}
