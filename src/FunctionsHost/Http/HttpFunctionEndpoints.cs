using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.Http;
using Microsoft.Azure.WebJobs.Host;

namespace FunctionsHost.Http;

/// <summary>Routes each <c>[HttpTrigger]</c> function to the JobHost, as the Functions host's WebJobs router does.</summary>
internal static partial class HttpFunctionEndpoints
{
    /// <summary>Where <see cref="Microsoft.Azure.WebJobs.Extensions.Http.HttpOptions.SetResponse"/> leaves a function's return value.</summary>
    public const string ResponseKey = "FunctionsHost_HttpResponse";

    public static void Map(IEndpointRouteBuilder endpoints, IEnumerable<FunctionEntry> functions)
    {
        foreach (FunctionEntry function in functions)
        {
            if (function.Http is { } http)
            {
                endpoints.MapMethods(http.Template, http.Methods, (HttpContext context) => InvokeAsync(context, function.Name, http))
                    .WithDisplayName("Function " + function.Name);
            }
        }
    }

    private static async Task InvokeAsync(HttpContext context, string functionName, HttpRoute route)
    {
        // The Http extension binds route parameters ({functionName}) from this dictionary.
        Dictionary<string, object> routeData = new(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, object?> value in context.Request.RouteValues)
        {
            if (value.Value is not null)
            {
                routeData[value.Key] = value.Value;
            }
        }

        context.Items[HttpExtensionConstants.AzureWebJobsHttpRouteDataKey] = routeData;
        IJobHost jobHost = context.RequestServices.GetRequiredService<IJobHost>();
        try
        {
            await jobHost.CallAsync(functionName, new Dictionary<string, object> { [route.TriggerParameter] = context.Request }, context.RequestAborted);
        }
        catch (FunctionInvocationException e) when (!context.Response.HasStarted)
        {
            ILogger logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("FunctionsHost.Http");
            Log.FunctionFailed(logger, functionName, e.InnerException ?? e);
            await JsonErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, "FunctionFailed", $"The function '{functionName}' failed; see the host log for details.");
            return;
        }

        context.Items.TryGetValue(ResponseKey, out object? result);
        await FunctionResultWriter.WriteAsync(context, result);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4100, Level = LogLevel.Error, Message = "HTTP function '{FunctionName}' failed.")]
        public static partial void FunctionFailed(ILogger logger, string functionName, Exception exception);
    }
}
