using System.Globalization;

namespace PhoneVerification.FaultInjection.Scenario;

/// <summary>
/// Everything random about a run, drawn from one seed: the flows (script, start time) and the kills (kind, when).
/// The same seed gives the same plan; timing on the machine still varies, but the plan is what a replay needs.
/// </summary>
internal sealed class FaultPlan
{
    /// <summary>The environment variable that replays a run: <c>FAULT_SEED=123 dotnet test ...</c>.</summary>
    public const string SeedVariable = "FAULT_SEED";

    private FaultPlan(int seed, IReadOnlyList<Flow> flows, IReadOnlyList<Kill> kills)
    {
        this.Seed = seed;
        this.Flows = flows;
        this.Kills = kills;
    }

    public int Seed { get; }

    public IReadOnlyList<Flow> Flows { get; }

    public IReadOnlyList<Kill> Kills { get; }

    /// <summary>The seed from <see cref="SeedVariable"/>, else a new one.</summary>
    public static int ChooseSeed() =>
        int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed)
            ? seed
            : Random.Shared.Next();

    public static FaultPlan Create(int seed, int flowCount, int killCount, TimeSpan flowStartSpread)
    {
        Random random = new(seed);
        FlowScript[] scripts = Enum.GetValues<FlowScript>();
        List<Flow> flows = [];
        for (int i = 0; i < flowCount; i++)
        {
            // Every script equally often; start times spread over the chaos phase.
            flows.Add(new Flow(i, scripts[i % scripts.Length], TimeSpan.FromMilliseconds(random.Next((int)flowStartSpread.TotalMilliseconds))));
        }

        // Each kind at least twice, the rest at random; then shuffled.
        KillKind[] kinds = Enum.GetValues<KillKind>();
        List<KillKind> chosen = [.. kinds, .. kinds];
        while (chosen.Count < killCount)
        {
            chosen.Add(kinds[random.Next(kinds.Length)]);
        }

        List<Kill> kills = [.. chosen.Take(Math.Max(killCount, kinds.Length)).OrderBy(_ => random.Next()).Select(kind => new Kill(kind, TimeSpan.FromMilliseconds(random.Next(200, 2500))))];
        return new FaultPlan(seed, flows, kills);
    }
}

/// <summary>Where a kill lands.</summary>
internal enum KillKind
{
    /// <summary>After a random time up (episodes, events, completions in flight).</summary>
    AtRandom,

    /// <summary>While the fake Twilio holds an SMS request open: inside the activity's send.</summary>
    InsideSmsSend,

    /// <summary>While the host is still starting (before it answers HTTP).</summary>
    DuringStart,

    /// <summary>At random, then down longer than the challenge window: timers come due while no host runs.</summary>
    LongDowntime,
}

/// <summary>One planned kill.</summary>
/// <param name="Kind">Where it lands.</param>
/// <param name="Uptime">How long the host runs first (for <see cref="KillKind.DuringStart"/>, time since spawn).</param>
internal sealed record Kill(KillKind Kind, TimeSpan Uptime);
