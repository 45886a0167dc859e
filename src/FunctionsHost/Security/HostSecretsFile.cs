using System.Text.Json;
using System.Text.Json.Nodes;

namespace FunctionsHost.Security;

/// <summary>
/// The keys file <c>keys.json</c> in the secrets folder: created on first start with fresh keys, completed with a
/// key for each new HTTP function, and kept readable by its owner only (folder 700, file 600 on Unix).
/// </summary>
/// <remarks>
/// Shape: <c>{"masterKey": "...", "functionKeys": {"default": "..."}, "systemKeys": {"durabletask_extension": "..."},
/// "functions": {"HttpStart": {"default": "..."}}}</c>. Edit it to rotate or add keys; the host reads it at start.
/// </remarks>
internal static class HostSecretsFile
{
    public const string FileName = "keys.json";

    /// <summary>Loads the keys, creating or completing the file as needed.</summary>
    /// <param name="folder">The secrets folder (absolute).</param>
    /// <param name="httpFunctions">HTTP function names: each gets a <c>default</c> key when it has none.</param>
    /// <returns>The keys.</returns>
    /// <exception cref="InvalidOperationException">The file exists but is not a keys file; the message names it.</exception>
    public static HostKeys LoadOrCreate(string folder, IEnumerable<string> httpFunctions)
    {
        string path = Path.Combine(folder, FileName);
        string[] functionNames = [.. httpFunctions];

        // Hosts sharing an app folder start together: they take turns under an exclusive lock on a lock file, so the
        // first creates the keys and the others read them, and every host ends up with the same keys (links made by one
        // are accepted by all).
        CreateFolder(folder);
        using FileStream turn = TakeTurn(Path.Combine(folder, FileName + ".lock"));
        JsonObject root = Read(path);
        if (Complete(root, functionNames) || !File.Exists(path))
        {
            Publish(path, root);
        }
        else
        {
            Restrict(path);
        }

        return ToKeys(root, path);
    }

    /// <summary>Opens the lock file exclusively (an advisory lock on Unix), waiting while another host holds it.</summary>
    private static FileStream TakeTurn(string lockPath)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(Random.Shared.Next(5, 25));
            }
        }
    }

    /// <summary>Adds every missing key; true when something was added.</summary>
    private static bool Complete(JsonObject root, IEnumerable<string> httpFunctions)
    {
        bool changed = false;
        changed |= Ensure(root, "masterKey");
        JsonObject hostFunctionKeys = Section(root, "functionKeys", ref changed);
        changed |= Ensure(hostFunctionKeys, "default");
        JsonObject systemKeys = Section(root, "systemKeys", ref changed);
        changed |= Ensure(systemKeys, HostKeys.DurableSystemKeyName);
        JsonObject functions = Section(root, "functions", ref changed);
        foreach (string function in httpFunctions)
        {
            JsonObject own = Section(functions, function, ref changed);
            if (own.Count == 0)
            {
                changed |= Ensure(own, "default");
            }
        }

        return changed;
    }

    private static HostKeys ToKeys(JsonObject root, string path)
    {
        JsonObject functions = root["functions"] as JsonObject ?? throw Invalid(path, "functions");
        return new HostKeys(
            Text(root["masterKey"], path, "masterKey"),
            Keys(root["functionKeys"] as JsonObject ?? throw Invalid(path, "functionKeys"), path, "functionKeys"),
            Keys(root["systemKeys"] as JsonObject ?? throw Invalid(path, "systemKeys"), path, "systemKeys"),
            functions.ToDictionary(
                f => f.Key,
                f => (IReadOnlyDictionary<string, string>)Keys(f.Value as JsonObject ?? throw Invalid(path, "functions." + f.Key), path, "functions." + f.Key),
                StringComparer.OrdinalIgnoreCase));
    }

    private static JsonObject Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw Invalid(path, "the top level");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"The keys file '{path}' is not valid JSON: {e.Message}", e);
        }
    }

    private static bool Ensure(JsonObject keys, string name)
    {
        if (keys[name] is JsonValue value && value.TryGetValue(out string? text) && !string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        keys[name] = HostKeys.NewKey();
        return true;
    }

    private static JsonObject Section(JsonObject parent, string name, ref bool changed)
    {
        if (parent[name] is JsonObject section)
        {
            return section;
        }

        section = [];
        parent[name] = section;
        changed = true;
        return section;
    }

    private static Dictionary<string, string> Keys(JsonObject section, string path, string where) =>
        section.ToDictionary(k => k.Key, k => Text(k.Value, path, where + "." + k.Key), StringComparer.Ordinal);

    private static string Text(JsonNode? node, string path, string where) =>
        node is JsonValue value && value.TryGetValue(out string? text) && text.Length >= 16
            ? text
            : throw Invalid(path, where + " (a key must be a string of at least 16 characters)");

    private static InvalidOperationException Invalid(string path, string where) =>
        new($"The keys file '{path}' is invalid at {where}. Fix it, or delete it to have new keys created.");

    /// <summary>
    /// Writes through a temporary file created owner-only (the keys are never readable by others, even briefly), then
    /// renames it into place, so a reader never sees half a file.
    /// </summary>
    private static void Publish(string path, JsonObject root)
    {
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        FileStreamOptions create = new() { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (FileStream stream = new(temporary, create))
            {
                JsonSerializer.Serialize(stream, root, new JsonSerializerOptions { WriteIndented = true });
                stream.Flush(flushToDisk: true);
            }

            Restrict(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows() || Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Owner-only permissions, also on a file someone created or copied by hand (a folder we did not create is left as it is).</summary>
    private static void Restrict(string file)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
