using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Durable.WebJobs.Http;

/// <summary>The JSON bodies of the Durable HTTP contract, written with Newtonsoft's default settings as Durable Functions does.</summary>
internal static class DurableJson
{
    /// <summary>The content type of every JSON response.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>The 202 body of a check-status response: exactly these fields, in this order (no rewind link since v2).</summary>
    public static JObject CheckStatusBody(HttpManagementPayload links) => new()
    {
        ["id"] = links.Id,
        ["statusQueryGetUri"] = links.StatusQueryGetUri,
        ["sendEventPostUri"] = links.SendEventPostUri,
        ["terminatePostUri"] = links.TerminatePostUri,
        ["purgeHistoryDeleteUri"] = links.PurgeHistoryDeleteUri,
        ["restartPostUri"] = links.RestartPostUri,
        ["suspendPostUri"] = links.SuspendPostUri,
        ["resumePostUri"] = links.ResumePostUri,
    };

    /// <summary>The HTTP status object; <c>historyEvents</c> only when history was requested and exists.</summary>
    public static JObject StatusBody(DurableOrchestrationStatus status)
    {
        JObject body = new()
        {
            ["name"] = status.Name,
            ["instanceId"] = status.InstanceId,
            ["runtimeStatus"] = status.RuntimeStatus.ToString(),
            ["input"] = status.Input ?? JValue.CreateNull(),
            ["customStatus"] = status.CustomStatus ?? JValue.CreateNull(),
            ["output"] = status.Output ?? JValue.CreateNull(),
            ["createdTime"] = FormatTime(status.CreatedTime),
            ["lastUpdatedTime"] = FormatTime(status.LastUpdatedTime),
        };

        if (status.History is not null)
        {
            body["historyEvents"] = status.History;
        }

        return body;
    }

    /// <summary>
    /// The product's error shape, <c>{"error": ..., "status": ..., "field": ...}</c> (<c>field</c>: the parameter,
    /// header or <c>body</c> at fault, when there is one), plus Web API's <c>Message</c> (the same text) that Durable
    /// Functions clients read. A client error shows its exception's message; exception type and stack trace only
    /// when <paramref name="details"/> is set (Development), so a production error reveals nothing of the code.
    /// </summary>
    public static JObject Error(int statusCode, string message, string? field = null, Exception? exception = null, bool details = false)
    {
        JObject body = new() { ["error"] = message, ["status"] = statusCode, ["Message"] = message };
        if (field is not null)
        {
            body["field"] = field;
        }

        if (exception is not null && (details || statusCode < StatusCodes.Status500InternalServerError))
        {
            body["ExceptionMessage"] = exception.Message;
        }

        if (exception is not null && details)
        {
            body["ExceptionType"] = exception.GetType().FullName;
            body["StackTrace"] = exception.StackTrace;
        }

        return body;
    }

    /// <summary>Serializes <paramref name="body"/> without indentation.</summary>
    public static string Serialize(JToken body) => body.ToString(Formatting.None);

    /// <summary>Writes a JSON response (or none when <paramref name="body"/> is null).</summary>
    public static async Task WriteAsync(HttpResponse response, int statusCode, JToken? body, CancellationToken cancellationToken)
    {
        response.StatusCode = statusCode;
        if (body is null)
        {
            response.ContentLength = 0;
            return;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(Serialize(body));
        response.ContentType = ContentType;
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    // Second precision with a literal Z, as Durable Functions formats both times ("s" + "Z").
    private static string FormatTime(DateTime time) => time.ToString("s", CultureInfo.InvariantCulture) + "Z";
}
