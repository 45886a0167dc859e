namespace FunctionsHost.Cli;

/// <summary>The exit codes of <c>FunctionsHost durable</c>, for scripts.</summary>
internal static class CliExitCodes
{
    /// <summary>Done.</summary>
    public const int Done = 0;

    /// <summary>The instance does not exist or is in the wrong state for the verb; the reason is printed.</summary>
    public const int Refused = 1;

    /// <summary>Bad usage: an unknown verb or option, a missing or malformed value, an unusable configuration.</summary>
    public const int BadUsage = 2;
}
