using System.CommandLine;

namespace FunctionsHost.Cli;

/// <summary>Options several verbs share, each verb getting its own instance.</summary>
internal static class CliVerbOptions
{
    public static Option<string> InstanceId() => new("--id") { Description = "The orchestration instance ID.", Required = true };

    public static Option<string?> Reason(string what) => new("--reason") { Description = $"Why the instance is {what} (kept in its history, at most 1024 characters)." };

    public static Option<string?> CreatedAfter() => new("--created-after") { Description = "Only instances created at or after this time (ISO 8601; UTC when no offset is given)." };

    public static Option<string?> CreatedBefore() => new("--created-before") { Description = "Only instances created at or before this time (ISO 8601; UTC when no offset is given)." };

    public static Option<string[]> RuntimeStatus(string description) => new("--runtime-status")
    {
        Description = description + " Repeat the option or separate names with commas.",
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary>The reason, checked as the HTTP API checks it.</summary>
    public static string? ReadReason(string? reason) =>
        reason is { Length: > Durable.WebJobs.Http.DurableHttpBodies.MaxReasonLength }
            ? throw CliException.BadUsage($"--reason must be at most {Durable.WebJobs.Http.DurableHttpBodies.MaxReasonLength} characters long.", "--reason")
            : reason;
}
