using Newtonsoft.Json.Linq;

namespace FunctionsHost.Tests;

/// <summary>The keys a test host created in its app folder's <c>secrets/keys.json</c>, read as an operator would.</summary>
internal sealed record TestKeys(string Master, string HostFunction, string System, string HttpStart)
{
    public static TestKeys Read(TestHost host) => Read(Path.Combine(host.AppFolder, "secrets"));

    public static TestKeys Read(string secretsFolder)
    {
        JObject keys = JObject.Parse(File.ReadAllText(Path.Combine(secretsFolder, "keys.json")));
        return new TestKeys(
            (string)keys["masterKey"]!,
            (string)keys["functionKeys"]!["default"]!,
            (string)keys["systemKeys"]!["durabletask_extension"]!,
            (string)keys["functions"]!["HttpStart"]!["default"]!);
    }
}
