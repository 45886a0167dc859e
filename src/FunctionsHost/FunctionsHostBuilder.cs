using Durable.Core.Storage;
using FunctionsHost.Configuration;
using FunctionsHost.Http;
using FunctionsHost.Observability;
using FunctionsHost.Pages;
using FunctionsHost.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Twilio.WebJobs;

namespace FunctionsHost;

/// <summary>
/// Builds the <c>func start</c>-like host: configuration from host.json, local.settings.json and the environment; the
/// WebJobs JobHost with the Http, Durable and Twilio extensions over the app's functions; Kestrel routes for every
/// HTTP trigger, the Durable management API and (Development only) <c>/dev/outbox</c>.
/// </summary>
/// <remarks>
/// Keys (master, function, <c>durabletask_extension</c>) are enforced unless the host runs in Development on loopback
/// only, as <c>func start</c> (see <see cref="KeyEnforcement"/>).
/// </remarks>
public static class FunctionsHostBuilder
{
    /// <summary>Builds the app; call <c>RunAsync</c> (process) or <c>StartAsync</c> (tests) on it.</summary>
    /// <param name="options">Command-line or test options.</param>
    /// <returns>The app, not started.</returns>
    /// <exception cref="InvalidOperationException">host.json, local.settings.json or a setting is invalid; the message says which.</exception>
    public static WebApplication Build(FunctionsHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string scriptRoot = ScriptRoot.Resolve(options.ScriptRoot);
        LocalSettings localSettings = LocalSettings.Load(scriptRoot);
        if (options.ExportLocalSettingsToEnvironment)
        {
            HostConfiguration.ExportToEnvironment(localSettings);
        }

        string environmentName = HostConfiguration.EnvironmentName(options.EnvironmentName, localSettings);
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = scriptRoot,
            EnvironmentName = environmentName,
            ApplicationName = typeof(FunctionsHostBuilder).Assembly.GetName().Name,

            // No file watching of the app folder (appsettings reload): the default SQLite store lives in it, and every
            // commit would wake the watcher. host.json and local.settings.json are read once at start, as by Functions.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });

        // The Twilio binding decides between Twilio and the outbox from this setting: make it agree with the host.
        Dictionary<string, string?> overrides = new(options.Settings, StringComparer.OrdinalIgnoreCase)
        {
            [TwilioSettingNames.FunctionsEnvironment] = environmentName,
        };
        HostConfiguration.Apply(builder.Configuration, scriptRoot, localSettings, overrides);
        HostSettings settings = HostSettings.Read(builder.Configuration, scriptRoot);

        // host.json "logging": {"logLevel": {...}} filters categories as in Azure Functions (applied after "Logging").
        builder.Logging.AddConfiguration(builder.Configuration.GetSection(HostSettings.Root + ":logging"));

        // Fail before listening, with the setting's name, rather than on the first verification.
        PhoneVerification.SmsChallengeSettings.Read(builder.Configuration);
        PhoneVerification.VerificationStartLimit.Read(builder.Configuration);
        _ = new PhoneVerification.ChallengeCodes(builder.Configuration);

        string? urls = Urls(options.Port, localSettings);
        if (urls is not null)
        {
            builder.WebHost.UseUrls(urls);
        }

        Type[] functionTypes = [.. options.FunctionTypes.Distinct()];
        IReadOnlyList<FunctionEntry> functions = FunctionCatalog.Discover(functionTypes, settings.RoutePrefix);
        AddressSlot addresses = new();
        ConfigureServices(builder, settings, functionTypes, urls, addresses);

        // Keys (created on first start), the rule that enforces them, request limits: see Security/.
        builder.Services.AddHostSecurity(SecuritySettings.Read(builder.Configuration, scriptRoot), builder.Environment.IsDevelopment(), functions.Where(f => f.Http is not null).Select(f => f.Name));
        builder.AddObservability(options);
        options.ConfigureServices?.Invoke(builder.Services);

        WebApplication app = builder.Build();
        addresses.Value = app.Services.GetRequiredService<HostAddresses>();
        PageSettings pages = PageSettings.Read(app.Configuration, app.Environment.IsDevelopment());
        ConfigurePipeline(app, functions, pages);
        StartupBanner.Register(app, functions, settings, pages, options.BannerOutput ?? Console.Out);
        app.DecideKeyEnforcement(options.BannerOutput ?? Console.Out);
        return app;
    }

    /// <summary>The base URL the started app listens on (e.g. <c>http://localhost:7071</c>).</summary>
    /// <param name="app">A started app from <see cref="Build"/>.</param>
    /// <returns>The URL without a trailing slash.</returns>
    public static string BaseUrl(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<HostAddresses>().BaseUrl;
    }

    private static string? Urls(int? port, LocalSettings localSettings)
    {
        if (port is 0)
        {
            // Kestrel cannot bind "localhost" to a dynamic port.
            return "http://127.0.0.1:0";
        }

        if (port is int given)
        {
            return $"http://localhost:{given}";
        }

        // ASPNETCORE_URLS is honoured by the web host itself.
        return string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"))
            ? $"http://localhost:{localSettings.LocalHttpPort ?? 7071}"
            : null;
    }

    private static void ConfigureServices(WebApplicationBuilder builder, HostSettings settings, Type[] functionTypes, string? urls, AddressSlot addresses)
    {
        IServiceCollection services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IOrchestrationStore>(sp => StoreFactory.Create(settings, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<StoreFailStop>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreFailStop>());
        services.AddSingleton(sp => new HostAddresses(sp.GetRequiredService<IServer>(), urls ?? Environment.GetEnvironmentVariable("ASPNETCORE_URLS")));

        // ObjectResult and friends returned by HTTP functions need MVC's executors.
        services.AddMvcCore();

        builder.Host.ConfigureWebJobs(webJobs =>
        {
            webJobs.AddHttp(http =>
            {
                http.RoutePrefix = settings.RoutePrefix;
                http.SetResponse = (request, value) => request.HttpContext.Items[HttpFunctionEndpoints.ResponseKey] = value;
            });
            webJobs.AddDurableTask(durable =>
            {
                durable.HubName = settings.HubName;
                durable.MaxConcurrentActivityFunctions = settings.MaxConcurrentActivityFunctions;
                durable.MaxConcurrentOrchestratorFunctions = settings.MaxConcurrentOrchestratorFunctions;
                durable.MaxDequeueCount = settings.MaxDequeueCount;
                durable.MaxPollingInterval = settings.MaxPollingInterval;
                durable.InlineActivities = settings.InlineActivities;
                durable.OneWriteEvents = settings.OneWriteEvents;
                durable.StorageProvider["type"] = settings.StorageType;
                durable.StorageProvider["databasePath"] = settings.DatabasePath;
                if (settings.ConnectionStringName is { Length: > 0 } connection)
                {
                    durable.StorageProvider["connectionStringName"] = connection;
                }

                // Resolved per call: the port is known only once Kestrel listens (port 0 in tests). The links' code
                // comes from the keys (Security/DurableKeyAuthorizer).
                durable.WebhookUriProviderOverride = () =>
                    new Uri((addresses.Value?.BaseUrl ?? "http://localhost:7071") + DurableTaskOptions.WebhookPath);
            });
            webJobs.AddTwilioSms();
        });

        services.AddSingleton<ITypeLocator>(new ExplicitTypeLocator(functionTypes));
    }

    private static void ConfigurePipeline(WebApplication app, IReadOnlyList<FunctionEntry> functions, PageSettings pages)
    {
        // Requests wait until the JobHost has started (hosted services start after Kestrel begins listening).
        IHostApplicationLifetime lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        app.Use(async (context, next) =>
        {
            if (!lifetime.ApplicationStarted.IsCancellationRequested)
            {
                TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
                using CancellationTokenRegistration registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
                await started.Task.WaitAsync(TimeSpan.FromSeconds(60), context.RequestAborted);
            }

            await next(context);
        });
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = JsonErrors.WriteUnhandledAsync });
        app.UseStatusCodePages(JsonErrors.WriteStatusPageAsync);
        app.UseKeylessRequestCheck();
        app.UseSingleValueQuery();
        app.UseRouting();

        HttpFunctionEndpoints.Map(app, functions);
        app.MapDurableTaskWebhooks();
        app.MapObservability();
        app.MapPages(pages);
        if (app.Environment.IsDevelopment())
        {
            app.MapDevOutbox().RequireMasterKeyWhenEnforced();
        }
    }

    /// <summary>Lets the webhook URL provider, configured before the app exists, read the app's addresses.</summary>
    private sealed class AddressSlot
    {
        public HostAddresses? Value { get; set; }
    }

    private sealed class ExplicitTypeLocator(Type[] types) : ITypeLocator
    {
        public IReadOnlyList<Type> GetTypes() => types;
    }
}
