namespace FunctionsHost.Tests;

/// <summary>
/// Tests that read process-wide telemetry (a meter provider aggregates every meter of a name in the process) run alone,
/// after the parallel ones, so no other host's flows add to their counts.
/// </summary>
[CollectionDefinition(nameof(SerialTestCollection), DisableParallelization = true)]
public sealed class SerialTestCollection
{
}
