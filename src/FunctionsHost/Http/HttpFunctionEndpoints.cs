using FunctionsHost.Security;
using Microsoft.AspNetCore.Http.Features;
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
        if (!IsAuthorized(context, functionName, route))
        {
            // Says nothing about which keys exist or how close the given one was.
            await JsonErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "A valid key is required for this function.", field: "code");
            return;
        }

        long limit = context.RequestServices.GetRequiredService<SecuritySettings>().MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {limit} bytes.", field: "body");
            return;
        }

        // A body without Content-Length (chunked) is cut off by the server at the same limit while the function reads it.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }

        context.Items[HttpExtensionConstants.AzureWebJobsHttpRouteDataKey] = RouteData(context);
        IJobHost jobHost = context.RequestServices.GetRequiredService<IJobHost>();
        try
        {
            await jobHost.CallAsync(functionName, new Dictionary<string, object> { [route.TriggerParameter] = context.Request }, context.RequestAborted);
        }
        catch (FunctionInvocationException e) when (!context.Response.HasStarted)
        {
            await WriteFailureAsync(context, functionName, e.InnerException ?? e);
            return;
        }

        // As the Functions host: what the function returned (HttpOptions.SetResponse put it here), else 200.
        context.Items.TryGetValue(ResponseKey, out object? result);
        await FunctionResultWriter.WriteAsync(context, result);
    }

    private static bool IsAuthorized(HttpContext context, string functionName, HttpRoute route)
    {
        if (route.AuthLevel == AuthorizationLevel.Anonymous || !context.RequestServices.GetRequiredService<KeyEnforcement>().Enforced)
        {
            return true;
        }

        PresentedKey presented = RequestKey.Identify(context.RequestServices.GetRequiredService<HostKeys>(), context.Request, functionName);
        return FunctionAuthorization.IsAllowed(route.AuthLevel, presented);
    }

    /// <summary>A failed function: 503 when the store is unavailable, 413 when the body was cut off, else 500.</summary>
    private static Task WriteFailureAsync(HttpContext context, string functionName, Exception failure)
    {
        ILogger logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("FunctionsHost.Http");
        if (JsonErrors.Find<Durable.Core.Storage.StoreFailedException>(failure) is { } failed)
        {
            Log.OutcomeUnknown(logger, functionName, failed.Message);
            return JsonErrors.WriteOutcomeUnknownAsync(context);
        }

        if (JsonErrors.StoreUnavailable(failure) is { } unavailable)
        {
            Log.StoreUnavailable(logger, functionName, unavailable.Message);
            return JsonErrors.WriteStoreUnavailableAsync(context, unavailable);
        }

        if (failure is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            long limit = context.RequestServices.GetRequiredService<SecuritySettings>().MaxRequestBodyBytes;
            return JsonErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {limit} bytes.", field: "body");
        }

        Log.FunctionFailed(logger, functionName, failure);
        bool development = context.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment();
        return JsonErrors.WriteAsync(
            context,
            StatusCodes.Status500InternalServerError,
            $"The function '{functionName}' failed; see the host log for details.",
            development ? failure.ToString() : null);
    }

    /// <summary>
    /// The route values the Http extension binds to function parameters (<c>{functionName}</c>), plus null for each
    /// optional parameter without a value and without a default, as the Functions host passes them.
    /// </summary>
    private static Dictionary<string, object?> RouteData(HttpContext context)
    {
        Dictionary<string, object?> values = new(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, object?> value in context.Request.RouteValues)
        {
            values[value.Key] = value.Value;
        }

        if (context.GetEndpoint() is RouteEndpoint endpoint)
        {
            foreach (Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter in endpoint.RoutePattern.Parameters)
            {
                if (parameter.IsOptional && parameter.Default is null)
                {
                    values.TryAdd(parameter.Name, null);
                }
            }
        }

        return values;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4100, Level = LogLevel.Error, Message = "HTTP function '{FunctionName}' failed.")]
        public static partial void FunctionFailed(ILogger logger, string functionName, Exception exception);

        [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "HTTP function '{FunctionName}' answered 503: the store has stopped, the outcome is unknown ({Reason}).")]
        public static partial void OutcomeUnknown(ILogger logger, string functionName, string reason);

        [LoggerMessage(EventId = 4101, Level = LogLevel.Error, Message = "HTTP function '{FunctionName}' answered 503: the store is unavailable ({Reason}).")]
        public static partial void StoreUnavailable(ILogger logger, string functionName, string reason);
    }
}
