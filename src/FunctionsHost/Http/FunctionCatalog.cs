using System.Reflection;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Azure.WebJobs.Extensions.Http;

namespace FunctionsHost.Http;

/// <summary>One indexed function as the host shows and routes it.</summary>
/// <param name="Name">The <c>[FunctionName]</c>.</param>
/// <param name="Trigger"><c>httpTrigger</c>, <c>orchestrationTrigger</c>, <c>activityTrigger</c> or <c>other</c>.</param>
/// <param name="Http">For HTTP functions, the route and methods.</param>
internal sealed record FunctionEntry(string Name, string Trigger, HttpRoute? Http);

/// <summary>An HTTP trigger's route.</summary>
/// <param name="Template">The full path template, with the route prefix, starting with '/'.</param>
/// <param name="Methods">Upper-case methods accepted.</param>
/// <param name="TriggerParameter">The name of the request parameter to pass to the JobHost.</param>
/// <param name="AuthLevel">The trigger's <c>AuthorizationLevel</c>: which key a caller needs when keys are enforced.</param>
internal sealed record HttpRoute(string Template, IReadOnlyList<string> Methods, string TriggerParameter, AuthorizationLevel AuthLevel);

/// <summary>The functions of the app assemblies, found the way the Functions host lists them at start.</summary>
internal static class FunctionCatalog
{
    private static readonly string[] AllMethods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    public static IReadOnlyList<FunctionEntry> Discover(IEnumerable<Type> types, string routePrefix)
    {
        List<FunctionEntry> functions = [];
        foreach (Type type in types)
        {
            foreach (MethodInfo method in type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FunctionNameAttribute>() is not { } functionName)
                {
                    continue;
                }

                functions.Add(Describe(functionName.Name, method, routePrefix));
            }
        }

        return [.. functions.OrderBy(f => f.Http is null).ThenBy(f => f.Name, StringComparer.Ordinal)];
    }

    private static FunctionEntry Describe(string name, MethodInfo method, string routePrefix)
    {
        foreach (ParameterInfo parameter in method.GetParameters())
        {
            if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is { } http)
            {
                string route = (http.Route ?? name).Trim('/');
                string template = "/" + (routePrefix.Length == 0 ? route : routePrefix + "/" + route);
                IReadOnlyList<string> methods = http.Methods is { Length: > 0 } given
                    ? [.. given.Select(m => m.ToUpperInvariant())]
                    : AllMethods;
                return new FunctionEntry(name, "httpTrigger", new HttpRoute(template, methods, parameter.Name!, http.AuthLevel));
            }

            if (parameter.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null)
            {
                return new FunctionEntry(name, "orchestrationTrigger", null);
            }

            if (parameter.GetCustomAttribute<ActivityTriggerAttribute>() is not null)
            {
                return new FunctionEntry(name, "activityTrigger", null);
            }
        }

        return new FunctionEntry(name, "other", null);
    }
}
