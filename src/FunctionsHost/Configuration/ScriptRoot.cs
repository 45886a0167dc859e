namespace FunctionsHost.Configuration;

/// <summary>Finds the function app root: the folder with host.json.</summary>
internal static class ScriptRoot
{
    public const string HostJson = "host.json";

    /// <summary>
    /// The given folder (which must hold host.json), else the nearest folder holding host.json from the current
    /// directory upwards, else from the executable's folder upwards (so <c>dotnet run --project</c> works from anywhere).
    /// </summary>
    /// <exception cref="InvalidOperationException">No host.json was found.</exception>
    public static string Resolve(string? explicitRoot)
    {
        if (explicitRoot is not null)
        {
            string full = Path.GetFullPath(explicitRoot);
            return File.Exists(Path.Combine(full, HostJson))
                ? full
                : throw new InvalidOperationException($"No {HostJson} in the script root '{full}'.");
        }

        return FindUpwards(Directory.GetCurrentDirectory())
            ?? FindUpwards(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException(
                $"No {HostJson} found in '{Directory.GetCurrentDirectory()}' or its parents; run from the function app folder or pass --script-root.");
    }

    private static string? FindUpwards(string start)
    {
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, HostJson)))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
