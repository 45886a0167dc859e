using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Durable.Testing.Twilio;
using Twilio.WebJobs.Config;
using Twilio.WebJobs.Tests.Fakes;

namespace Twilio.WebJobs.Tests;

/// <summary>The real client, wired as AddTwilioSms wires it, against a fake Twilio server; dispose after each test.</summary>
internal sealed class ClientFixture : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private ClientFixture(FakeTwilioServer server, ServiceProvider services, InstantTimeProvider time, CapturingLoggerProvider logs)
    {
        this.Server = server;
        this.services = services;
        this.Time = time;
        this.Logs = logs;
    }

    public FakeTwilioServer Server { get; }

    public InstantTimeProvider Time { get; }

    public CapturingLoggerProvider Logs { get; }

    public ITwilioClient Client => this.services.GetRequiredService<ITwilioClient>();

    public static TwilioCredentials Credentials => new(FakeTwilioServer.AccountSid, FakeTwilioServer.AuthToken);

    public static Task<ClientFixture> StartAsync(Action<TwilioSmsOptions>? configure = null, string basePath = "", bool http10CloseAfterResponse = false)
    {
        FakeTwilioServer server = FakeTwilioServer.Start(http10CloseAfterResponse);
        ServiceCollection collection = new();
        InstantTimeProvider time = new();
        CapturingLoggerProvider logs = new();
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [TwilioSettingNames.ApiBaseUrl] = server.BaseUrl.ToString().TrimEnd('/') + basePath,
            })
            .Build();
        collection.AddSingleton(configuration);
        collection.AddSingleton<TimeProvider>(time);
        collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        collection.AddTwilioSmsServices();
        collection.Configure<TwilioSmsOptions>(options =>
        {
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(250);
            options.MaxRetryDelay = TimeSpan.FromSeconds(20);
            options.RequestTimeout = TimeSpan.FromSeconds(10);
            configure?.Invoke(options);
        });
        return Task.FromResult(new ClientFixture(server, collection.BuildServiceProvider(), time, logs));
    }

    public async ValueTask DisposeAsync()
    {
        await this.services.DisposeAsync();
        await this.Server.DisposeAsync();
    }
}
