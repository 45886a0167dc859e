using FunctionsHost;

// `func start` for this app: dotnet run --project src/FunctionsHost [--port N] [--script-root DIR] [--environment NAME]
// `func durable <verb>` for this app: dotnet run --project src/FunctionsHost -- durable <verb> [options] (see docs/cli.md)
if (FunctionsHost.Cli.DurableCli.IsDurableCommand(args))
{
    return await FunctionsHost.Cli.DurableCli.RunAsync(args);
}

try
{
    FunctionsHostOptions options = FunctionsHostOptions.FromCommandLine(args);
    await using WebApplication app = FunctionsHostBuilder.Build(options);
    await FunctionsHost.Configuration.StoreStartupCheck.RunAsync(app.Services, CancellationToken.None);
    // Resolved first: RunAsync disposes the services when the host stops.
    StoreFailStop failStop = app.Services.GetRequiredService<StoreFailStop>();
    await app.RunAsync();

    // Non-zero after a store failure (a failed fsync): a supervisor restarts the host on fresh file handles.
    return failStop.ExitCode ?? 0;
}
catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException or Durable.Core.Storage.StoreUnavailableException
    or Microsoft.Azure.WebJobs.Host.Listeners.FunctionListenerException)
{
    // Configuration mistakes, an unreachable store, a durable engine that could not start (its listener's cause is
    // printed below): one clear line, no stack trace.
    Console.Error.WriteLine($"FunctionsHost could not start: {e.Message}");
    for (Exception? inner = e.InnerException; inner is not null; inner = inner.InnerException)
    {
        // Messages that already quote their cause (host.json parse errors) are not repeated.
        if (!e.Message.Contains(inner.Message, StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"  {inner.Message}");
        }
    }

    return 1;
}
