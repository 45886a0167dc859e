using System.Reflection;
using Microsoft.Azure.WebJobs;

namespace Durable.WebJobs.Bindings;

/// <summary>Durable Functions' naming rule for triggers.</summary>
internal static class FunctionNames
{
    /// <summary>The attribute's name if set, else <c>[FunctionName]</c>, else the method name.</summary>
    public static string Resolve(string? attributeName, ParameterInfo parameter)
    {
        if (!string.IsNullOrEmpty(attributeName))
        {
            return attributeName;
        }

        MemberInfo method = parameter.Member;
        return method.GetCustomAttribute<FunctionNameAttribute>()?.Name ?? method.Name;
    }
}
