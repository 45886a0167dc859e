using Microsoft.Azure.WebJobs.Extensions.Http;

namespace FunctionsHost.Security;

/// <summary>An HTTP trigger's <c>AuthorizationLevel</c>, checked as Azure Functions does.</summary>
internal static class FunctionAuthorization
{
    /// <summary>
    /// Anonymous: anyone. Function: a key of this function, a host function key or the master key. System: a system
    /// key or the master key. Admin (and User, which needs App Service authentication we do not have): the master key.
    /// </summary>
    public static bool IsAllowed(AuthorizationLevel level, PresentedKey presented) => level switch
    {
        AuthorizationLevel.Anonymous => true,
        AuthorizationLevel.Function => presented is PresentedKey.Function or PresentedKey.Master,
        AuthorizationLevel.System => presented is PresentedKey.System or PresentedKey.Master,
        _ => presented is PresentedKey.Master,
    };
}
