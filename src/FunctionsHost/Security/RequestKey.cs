namespace FunctionsHost.Security;

/// <summary>
/// Where a request carries its key, as in Azure Functions: the <c>x-functions-key</c> header or the <c>code</c> query
/// parameter. Both are looked at, so a client that sends its function key as a header can still follow a link whose
/// <c>code</c> opens one instance.
/// </summary>
internal static class RequestKey
{
    public const string HeaderName = "x-functions-key";

    public static IReadOnlyList<string> Read(HttpRequest request)
    {
        List<string> keys = [];
        string? header = request.Headers[HeaderName].FirstOrDefault();
        if (!string.IsNullOrEmpty(header))
        {
            keys.Add(header);
        }

        string? code = request.Query["code"].FirstOrDefault();
        if (!string.IsNullOrEmpty(code))
        {
            keys.Add(code);
        }

        return keys;
    }

    /// <summary>The strongest key among those presented.</summary>
    public static PresentedKey Identify(HostKeys keys, HttpRequest request, string? functionName) =>
        Read(request).Select(k => keys.Identify(k, functionName)).DefaultIfEmpty(PresentedKey.None).Max();
}
