using Durable.Testing.Twilio;
using Microsoft.Azure.WebJobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Twilio.WebJobs.Tests.Fakes;

namespace Twilio.WebJobs.Tests.JobHost;

/// <summary>A real WebJobs host with AddTwilioSms and one function class (default <see cref="SmsFunctions"/>) indexed.</summary>
internal sealed class SmsJobHost : IAsyncDisposable
{
    private readonly IHost host;

    private SmsJobHost(IHost host, CapturingLoggerProvider logs)
    {
        this.host = host;
        this.Logs = logs;
    }

    public CapturingLoggerProvider Logs { get; }

    public SmsOutbox Outbox => this.host.Services.GetRequiredService<SmsOutbox>();

    public IServiceProvider Services => this.host.Services;

    /// <summary>Settings with a full, valid Twilio configuration pointing at <paramref name="server"/>.</summary>
    public static Dictionary<string, string?> TwilioSettings(FakeTwilioServer server) => new()
    {
        [TwilioSettingNames.AccountSid] = FakeTwilioServer.AccountSid,
        [TwilioSettingNames.AuthToken] = FakeTwilioServer.AuthToken,
        [TwilioSettingNames.PhoneNumber] = "+15005550006",
        [TwilioSettingNames.ApiBaseUrl] = server.BaseUrl.ToString(),
        ["DefaultSmsBody"] = "default body",
    };

    /// <summary>Builds and starts the host; start-up errors propagate to the caller.</summary>
    public static async Task<SmsJobHost> StartAsync(
        Dictionary<string, string?> settings,
        Type? functions = null,
        Action<IServiceCollection>? configureServices = null)
    {
        CapturingLoggerProvider logs = new();
        IHost host = new HostBuilder()
            .ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings))
            .ConfigureWebJobs(webJobs => webJobs.AddTwilioSms(options => options.RetryBaseDelay = TimeSpan.FromMilliseconds(1)))
            .ConfigureServices(services =>
            {
                services.AddSingleton<ITypeLocator>(new TypeLocator(functions ?? typeof(SmsFunctions)));
                configureServices?.Invoke(services);
            })
            .ConfigureLogging(logging => logging.AddProvider(logs))
            .Build();
        try
        {
            using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(30));
            await host.StartAsync(timeout.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new SmsJobHost(host, logs);
    }

    public Task CallAsync(string function, object arguments)
    {
        Microsoft.Azure.WebJobs.JobHost jobHost = (Microsoft.Azure.WebJobs.JobHost)this.host.Services.GetRequiredService<IJobHost>();
        return jobHost.CallAsync(function, arguments).WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(10));
        await this.host.StopAsync(timeout.Token);
        this.host.Dispose();
    }

    private sealed class TypeLocator(params Type[] types) : ITypeLocator
    {
        public IReadOnlyList<Type> GetTypes() => types;
    }
}
