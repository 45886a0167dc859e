using System.Security.Cryptography;
using System.Text;

namespace FunctionsHost.Security;

/// <summary>Which key a request presented.</summary>
internal enum PresentedKey
{
    /// <summary>None, or one that matches nothing.</summary>
    None,

    /// <summary>A function key: the host's own or one of the addressed function.</summary>
    Function,

    /// <summary>A system key (<c>durabletask_extension</c>).</summary>
    System,

    /// <summary>The master key.</summary>
    Master,
}

/// <summary>
/// The keys of this host, as Azure Functions has them: the master key (admin), host function keys (every function),
/// per-function keys, and system keys of extensions (<c>durabletask_extension</c> for the management API). Every
/// comparison is constant-time.
/// </summary>
internal sealed class HostKeys
{
    /// <summary>The Durable extension's system key name, as in Azure Functions.</summary>
    public const string DurableSystemKeyName = "durabletask_extension";

    private readonly byte[] durableSystemKey;

    public HostKeys(string masterKey, IReadOnlyDictionary<string, string> hostFunctionKeys, IReadOnlyDictionary<string, string> systemKeys, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> functionKeys)
    {
        this.MasterKey = masterKey;
        this.HostFunctionKeys = hostFunctionKeys;
        this.SystemKeys = systemKeys;
        this.FunctionKeys = functionKeys;
        this.durableSystemKey = Encoding.UTF8.GetBytes(systemKeys[DurableSystemKeyName]);
    }

    public string MasterKey { get; }

    public IReadOnlyDictionary<string, string> HostFunctionKeys { get; }

    public IReadOnlyDictionary<string, string> SystemKeys { get; }

    /// <summary>Function name (case-insensitive) → key name → key.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> FunctionKeys { get; }

    /// <summary>A new key: 32 bytes from the cryptographic RNG, base64url (43 characters, safe in a URL).</summary>
    public static string NewKey() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The strongest key <paramref name="presented"/> matches, for <paramref name="functionName"/> (null: no function keys apply).</summary>
    public PresentedKey Identify(string? presented, string? functionName)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return PresentedKey.None;
        }

        byte[] given = Encoding.UTF8.GetBytes(presented);

        // Every candidate is compared, matching or not, so the time taken does not say which kind of key came close.
        bool master = Same(given, this.MasterKey);
        bool system = this.SystemKeys.Values.Aggregate(false, (found, key) => Same(given, key) | found);
        bool function = functionName is not null
            && (this.HostFunctionKeys.Values.Aggregate(false, (found, key) => Same(given, key) | found)
                | (this.FunctionKeys.TryGetValue(functionName, out IReadOnlyDictionary<string, string>? own) && own.Values.Aggregate(false, (found, key) => Same(given, key) | found)));
        return master ? PresentedKey.Master : system ? PresentedKey.System : function ? PresentedKey.Function : PresentedKey.None;
    }

    /// <summary>
    /// The <c>code</c> of one instance's management links: HMAC-SHA256 of the instance id under the Durable system
    /// key. It opens that instance only, and needs no storage: it is recomputed to check it.
    /// </summary>
    public string InstanceCode(string instanceId)
    {
        byte[] mac = HMACSHA256.HashData(this.durableSystemKey, Encoding.UTF8.GetBytes("durabletask-instance:" + instanceId));
        return Base64Url(mac);
    }

    /// <summary>
    /// The secret continuation tokens of the management API are signed with: derived from the Durable system key, so
    /// hosts sharing their keys file accept each other's tokens and a new key invalidates the old tokens.
    /// </summary>
    public byte[] ContinuationTokenKey() =>
        HMACSHA256.HashData(this.durableSystemKey, Encoding.UTF8.GetBytes("durabletask-continuation-token"));

    /// <summary>Whether <paramref name="presented"/> is the instance code of <paramref name="instanceId"/>.</summary>
    public bool IsInstanceCode(string? presented, string instanceId) =>
        !string.IsNullOrEmpty(presented) && Same(Encoding.UTF8.GetBytes(presented), this.InstanceCode(instanceId));

    private static bool Same(byte[] given, string key) =>
        CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
