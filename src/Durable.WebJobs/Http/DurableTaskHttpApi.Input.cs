using System.Buffers;
using System.Globalization;
using System.Text;
using Durable.Core;
using Durable.Core.Client;
using Durable.Core.Serialization;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Durable.WebJobs.Http;

/// <summary>
/// How the management API reads its input. Durable Functions silently ignores a value it cannot parse; we refuse
/// it with 400 naming the parameter, because a silently dropped filter (a purge without its status filter, say)
/// does something else than the caller asked.
/// </summary>
internal sealed partial class DurableTaskHttpApi
{
    /// <summary>Longest <c>reason</c> kept (it becomes a terminated instance's output).</summary>
    internal const int MaxReasonLength = 1024;

    /// <summary>Longest event name.</summary>
    internal const int MaxEventNameLength = 256;

    /// <summary>Largest page size of <c>GET /instances</c>.</summary>
    internal const int MaxTop = 1000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Checks made on every request: the body's declared size and the task hub.</summary>
    private void CheckCommonInput(HttpRequest request)
    {
        if (request.ContentLength > this.options.MaxRequestBodyBytes)
        {
            throw BodyTooLarge(this.options.MaxRequestBodyBytes);
        }

        // Durable Functions would open a client on the named hub or connection. This host serves one of each, so another
        // is refused, naming the one served, rather than silently acting on this hub (a purge meant for another store).
        string? taskHub = request.Query["taskHub"].FirstOrDefault();
        if (!string.IsNullOrEmpty(taskHub) && !string.Equals(taskHub, this.links.HubName, StringComparison.OrdinalIgnoreCase))
        {
            throw new DurableInputException(StatusCodes.Status400BadRequest, $"This host serves only the task hub '{this.links.HubName}', not '{taskHub}'.", "taskHub");
        }

        string? connection = request.Query["connection"].FirstOrDefault();
        if (!string.IsNullOrEmpty(connection) && !string.Equals(connection, this.links.ConnectionName, StringComparison.OrdinalIgnoreCase))
        {
            throw new DurableInputException(StatusCodes.Status400BadRequest, $"This host serves only the connection '{this.links.ConnectionName}' (task hub '{this.links.HubName}'), not '{connection}'.", "connection");
        }
    }

    /// <summary>
    /// Every query parameter (but <c>runtimeStatus</c>, a list) and the continuation token at most once: of
    /// <c>top=2&amp;top=abc</c> one reader would take the first value and another the last, so a repeated parameter is
    /// refused before anyone reads it (a purge with a second, ignored <c>createdTimeFrom</c> once deleted everything).
    /// </summary>
    private static void CheckSingleValues(HttpRequest request)
    {
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> parameter in request.Query)
        {
            if (parameter.Value.Count > 1 && !string.Equals(parameter.Key, "runtimeStatus", StringComparison.OrdinalIgnoreCase))
            {
                throw new DurableInputException(StatusCodes.Status400BadRequest, $"The query parameter '{parameter.Key}' is given {parameter.Value.Count} times; give it once.", parameter.Key);
            }
        }

        if (request.Headers[ContinuationTokenHeader].Count > 1)
        {
            throw new DurableInputException(StatusCodes.Status400BadRequest, $"The header '{ContinuationTokenHeader}' is given more than once; give it once.", ContinuationTokenHeader);
        }
    }

    private static string CheckInstanceId(string instanceId) =>
        InstanceIds.Validate(instanceId) is { } problem
            ? throw new DurableInputException(StatusCodes.Status400BadRequest, problem, "instanceId")
            : instanceId;

    private static string CheckEventName(string eventName)
    {
        if (string.IsNullOrWhiteSpace(eventName) || eventName.Length > MaxEventNameLength || eventName.Any(char.IsControl))
        {
            throw new DurableInputException(
                StatusCodes.Status400BadRequest,
                $"The event name must be 1 to {MaxEventNameLength} characters without control characters.",
                "eventName");
        }

        return eventName;
    }

    private static string? ReadReason(HttpRequest request)
    {
        string? reason = request.Query["reason"].FirstOrDefault();
        return reason is { Length: > MaxReasonLength }
            ? throw new DurableInputException(StatusCodes.Status400BadRequest, $"The reason must be at most {MaxReasonLength} characters long.", "reason")
            : reason;
    }

    /// <summary>The largest raiseEvent body: the event payload limit, within the request body limit.</summary>
    private long EventPayloadLimit => Math.Min(this.options.MaxEventPayloadBytes, this.options.MaxRequestBodyBytes);

    /// <summary>Reads the body as UTF-8 text, refusing more than <paramref name="limit"/> bytes even without a Content-Length.</summary>
    private async Task<string> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw BodyTooLarge(limit);
        }

        using MemoryStream buffer = new();
        byte[] chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw BodyTooLarge(limit);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        try
        {
            return StrictUtf8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            throw new DurableInputException(StatusCodes.Status400BadRequest, "The request body is not valid UTF-8 text.", "body");
        }
    }

    private static DurableInputException BodyTooLarge(long limit) => new(
        StatusCodes.Status413PayloadTooLarge,
        $"The request body is larger than {limit} bytes.",
        "body");

    /// <summary>
    /// Parses strict JSON (RFC 8259, see <see cref="StrictJson"/>) as Durable Functions does (dates left as strings);
    /// empty or trailing text is invalid.
    /// </summary>
    private static JToken ParseJson(string text)
    {
        // A leading byte order mark may be ignored (RFC 8259 §8.1); nothing else is.
        text = text.StartsWith('\uFEFF') ? text[1..] : text;
        if (StrictJson.Problem(Encoding.UTF8.GetBytes(text)) is { } problem)
        {
            throw new DurableInputException(StatusCodes.Status400BadRequest, "Invalid JSON content", "body", problem);
        }

        try
        {
            using JsonTextReader reader = JsonCharPool.Reader(text);
            reader.MaxDepth = StrictJson.MaxDepth;
            JToken token = JToken.ReadFrom(reader);

            // Trailing content ("2168 abc") is as invalid as a syntax error.
            if (reader.Read())
            {
                throw new JsonReaderException($"Additional text found in JSON after the value at position {reader.LinePosition}.");
            }

            return token;
        }
        catch (JsonReaderException e)
        {
            // Durable Functions' exact message; the parser's own says where.
            throw new DurableInputException(StatusCodes.Status400BadRequest, "Invalid JSON content", "body", e.Message);
        }
    }

    private bool? ReadBool(IQueryCollection query, string name)
    {
        string? text = query[name].FirstOrDefault();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return bool.TryParse(text, out bool value)
            ? value
            : throw new DurableInputException(StatusCodes.Status400BadRequest, $"'{name}' must be true or false; got '{text}'.", name);
    }

    private static TimeSpan? ReadSeconds(IQueryCollection query, string name)
    {
        string? text = query[name].FirstOrDefault();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        // At most a day: a request held open longer than that is a mistake or an attack on connections.
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0 && seconds <= 86_400
            ? TimeSpan.FromSeconds(seconds)
            : throw new DurableInputException(StatusCodes.Status400BadRequest, $"'{name}' must be a number of seconds from 0 to 86400; got '{text}'.", name);
    }

    private static int ReadTop(IQueryCollection query)
    {
        string? text = query["top"].FirstOrDefault();
        if (string.IsNullOrEmpty(text))
        {
            return 100;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int top) && top is >= 1 and <= MaxTop
            ? top
            : throw new DurableInputException(StatusCodes.Status400BadRequest, $"'top' must be a whole number from 1 to {MaxTop}; got '{text}'.", "top");
    }

    /// <summary>
    /// Our extension <c>orderBy</c>: <c>createdTime</c> / <c>createdTime asc</c> (Durable Functions' order, the default) or
    /// <c>createdTime desc</c> (newest first). True for descending.
    /// </summary>
    private static bool ReadDescending(IQueryCollection query)
    {
        string? text = query["orderBy"].FirstOrDefault();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        string[] words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        bool byCreatedTime = words.Length is 1 or 2 && string.Equals(words[0], "createdTime", StringComparison.OrdinalIgnoreCase);
        string direction = words.Length == 2 ? words[1].ToLowerInvariant() : "asc";
        return (byCreatedTime, direction) switch
        {
            (true, "asc") => false,
            (true, "desc") => true,
            _ => throw new DurableInputException(StatusCodes.Status400BadRequest, $"'orderBy' must be 'createdTime asc' or 'createdTime desc'; got '{text}'.", "orderBy"),
        };
    }

    private static string? ReadPrefix(IQueryCollection query)
    {
        string? prefix = query["instanceIdPrefix"].FirstOrDefault();
        return prefix is { Length: > InstanceIds.MaxLength }
            ? throw new DurableInputException(StatusCodes.Status400BadRequest, $"'instanceIdPrefix' must be at most {InstanceIds.MaxLength} characters long.", "instanceIdPrefix")
            : prefix;
    }

    /// <summary>A date filter (ISO 8601); values without an offset are taken as UTC.</summary>
    private static DateTimeOffset? ReadTime(IQueryCollection query, string name)
    {
        string? text = query[name].FirstOrDefault();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value)
            ? value
            : throw new DurableInputException(StatusCodes.Status400BadRequest, $"'{name}' must be a date and time such as 2026-01-31T12:00:00Z; got '{text}'.", name);
    }

    /// <summary>
    /// The runtimeStatus filter: comma-separated and/or repeated. Durable Functions parses each value
    /// case-sensitively and silently drops the rest; we accept any case and refuse unknown names.
    /// </summary>
    private static OrchestrationStatus[]? ReadStatuses(IQueryCollection query)
    {
        List<OrchestrationStatus> statuses = [];
        foreach (string value in query["runtimeStatus"].SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!Enum.TryParse(value, ignoreCase: true, out Microsoft.Azure.WebJobs.Extensions.DurableTask.OrchestrationRuntimeStatus status)
                || status == Microsoft.Azure.WebJobs.Extensions.DurableTask.OrchestrationRuntimeStatus.Unknown
                || int.TryParse(value, out _))
            {
                throw new DurableInputException(
                    StatusCodes.Status400BadRequest,
                    $"'{value}' is not a runtime status; use Pending, Running, Completed, ContinuedAsNew, Failed, Canceled, Terminated or Suspended.",
                    "runtimeStatus");
            }

            statuses.Add((OrchestrationStatus)(int)status);
        }

        return statuses.Count == 0 ? null : [.. statuses];
    }

    /// <summary>Whether the request declares a body (a length above zero, or chunked).</summary>
    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out System.Net.Http.Headers.MediaTypeHeaderValue? media)
        && media.MediaType is { } type
        && (string.Equals(type, "application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
