using Durable.WebJobs.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FunctionsHost.Security;

/// <summary>Registers the host's keys, the rule that enforces them, and the management API's authorizer and limits.</summary>
internal static class SecurityServiceCollectionExtensions
{
    public static IServiceCollection AddHostSecurity(this IServiceCollection services, SecuritySettings settings, bool development, IEnumerable<string> httpFunctions)
    {
        // Created (or completed) now, so a host that cannot write its keys stops at start with the reason.
        HostKeys keys = HostSecretsFile.LoadOrCreate(settings.SecretsPath, httpFunctions);
        services.AddSingleton(keys);
        services.AddSingleton(settings);
        services.AddSingleton(sp => new KeyEnforcement(development, settings.EnableAuth, sp.GetRequiredService<IServer>()));
        services.RemoveAll<IDurableHttpAuthorizer>();
        services.AddSingleton<IDurableHttpAuthorizer, DurableKeyAuthorizer>();
        services.Configure<DurableHttpOptions>(options =>
        {
            options.MaxRequestBodyBytes = settings.MaxRequestBodyBytes;
            options.MaxEventsPerInstance = settings.MaxEventsPerInstance;
            options.MaxEventPayloadBytes = settings.MaxEventPayloadBytes;
            options.IncludeExceptionDetails = development;
            options.ContinuationTokenKey = keys.ContinuationTokenKey();
        });

        // ASP.NET Core's "Request starting ... ?code=KEY" lines, and any other entry, reach the providers with keys
        // redacted, whatever the levels (a provider-specific override once lifted a level-based floor).
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(new LoggerFactory(
            sp.GetServices<ILoggerProvider>(),
            sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(),
            sp.GetService<IExternalScopeProvider>()))));
        return services;
    }

    /// <summary>Once the server listens: decides whether keys are enforced and says so, as <c>func start</c> does.</summary>
    public static void DecideKeyEnforcement(this WebApplication app, TextWriter output)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            string line = app.Services.GetRequiredService<KeyEnforcement>().Decide().Reason;
            SecuritySettings settings = app.Services.GetRequiredService<SecuritySettings>();
            output.WriteLine(line);
            output.WriteLine($"Keys file: {Path.Combine(settings.SecretsPath, HostSecretsFile.FileName)} (owner-only; never commit it).");
            output.Flush();
        });
    }
}
