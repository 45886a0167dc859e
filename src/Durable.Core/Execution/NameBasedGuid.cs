using System.Security.Cryptography;
using System.Text;

namespace Durable.Core.Execution;

/// <summary>RFC 4122 version-5 (SHA-1, name-based) GUIDs: the same name always gives the same GUID.</summary>
internal static class NameBasedGuid
{
    /// <summary>The RFC 4122 URL namespace, as Durable Functions uses for <c>NewGuid</c>.</summary>
    public static readonly Guid UrlNamespace = new("6ba7b811-9dad-11d1-80b4-00c04fd430c8");

    public static Guid Create(Guid namespaceId, string name)
    {
        byte[] namespaceBytes = namespaceId.ToByteArray(bigEndian: true);
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] data = new byte[namespaceBytes.Length + nameBytes.Length];
        namespaceBytes.CopyTo(data, 0);
        nameBytes.CopyTo(data, namespaceBytes.Length);

#pragma warning disable CA5350 // SHA-1 is what RFC 4122 version 5 prescribes; this is an identifier, not security.
        byte[] hash = SHA1.HashData(data);
#pragma warning restore CA5350
        byte[] guid = hash[..16];
        guid[6] = (byte)((guid[6] & 0x0F) | 0x50);
        guid[8] = (byte)((guid[8] & 0x3F) | 0x80);
        return new Guid(guid, bigEndian: true);
    }
}
