using PhoneVerification.LoadTest;

// The load-test tool for the phone-verification host (README "Performance"). `--help` lists the options.
try
{
    if (args.Length > 0 && args[0] is "--help" or "-h")
    {
        Console.WriteLine(LoadTestOptions.Usage);
        return 0;
    }

    if (args.Length > 0 && args[0] == "seed")
    {
        string? db = null;
        int count = 0;
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--db": db = Path.GetFullPath(args[i + 1]); break;
                case "--count": count = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }

        StoreSeeder.Seed(db ?? throw new ArgumentException("seed needs --db PATH."), count > 0 ? count : throw new ArgumentException("seed needs --count N (N > 0)."), Console.Out);
        return 0;
    }

    using CancellationTokenSource stop = new();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    System.Text.Json.Nodes.JsonObject figures = await new LoadRun(LoadTestOptions.Parse(args), Console.Out, Console.Error).RunAsync(stop.Token);
    return (int)figures["failed"]! == 0 ? 0 : 2;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"PhoneVerification.LoadTest: {e.Message}");
    Console.Error.WriteLine(LoadTestOptions.Usage);
    return 1;
}
