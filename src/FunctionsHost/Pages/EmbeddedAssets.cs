using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace FunctionsHost.Pages;

/// <summary>
/// The pages' files (HTML, CSS, JavaScript modules), embedded in this assembly under <c>pages/</c> and read once: the
/// host needs no web root on disk, and a published executable carries its pages with it.
/// </summary>
internal sealed class EmbeddedAssets
{
    private const string Prefix = "pages/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, Asset> assets;

    private EmbeddedAssets(FrozenDictionary<string, Asset> assets) => this.assets = assets;

    /// <summary>The assets of this assembly.</summary>
    public static EmbeddedAssets Load()
    {
        Assembly assembly = typeof(EmbeddedAssets).Assembly;
        Dictionary<string, Asset> assets = new(StringComparer.Ordinal);
        foreach (string name in assembly.GetManifestResourceNames())
        {
            // RecursiveDir carries the build machine's separator.
            string path = name.Replace('\\', '/');
            if (!path.StartsWith(Prefix, StringComparison.Ordinal) || !ContentTypes.TryGetValue(Path.GetExtension(path), out string? contentType))
            {
                continue;
            }

            using Stream stream = assembly.GetManifestResourceStream(name)!;
            using MemoryStream buffer = new();
            stream.CopyTo(buffer);
            byte[] bytes = buffer.ToArray();
            string etag = "\"" + Convert.ToHexString(SHA256.HashData(bytes), 0, 8) + "\"";
            assets[path[Prefix.Length..]] = new Asset(bytes, contentType, etag);
        }

        return new EmbeddedAssets(assets.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The asset at <paramref name="path"/> (e.g. <c>dashboard/app.js</c>), or null.</summary>
    public Asset? Find(string path) => this.assets.GetValueOrDefault(path);

    /// <summary>One embedded file.</summary>
    /// <param name="Content">Its bytes.</param>
    /// <param name="ContentType">Its media type.</param>
    /// <param name="ETag">A strong validator, from its content.</param>
    internal sealed record Asset(byte[] Content, string ContentType, string ETag);
}
