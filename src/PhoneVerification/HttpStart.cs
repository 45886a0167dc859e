using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Azure.WebJobs.Extensions.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PhoneVerification;

/// <summary>The sample's HTTP client function: starts an orchestration with the phone number posted as JSON.</summary>
public sealed partial class HttpStart
{
    /// <summary>A phone number in JSON is a few dozen bytes; anything much larger is not a phone number.</summary>
    public const int MaxBodyBytes = 1024;

    private const string Example = "\"+14255550123\"";
    private readonly VerificationStartLimiter limiter;

    /// <summary>Creates the function with the host's per-number start limit (app settings, see <see cref="VerificationStartLimit"/>).</summary>
    /// <param name="configuration">App settings.</param>
    public HttpStart(IConfiguration configuration)
        : this(VerificationStartLimiter.For(configuration))
    {
    }

    /// <summary>Creates the function with a given limiter (tests).</summary>
    /// <param name="limiter">Counts starts per phone number.</param>
    internal HttpStart(VerificationStartLimiter limiter)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        this.limiter = limiter;
    }

    /// <summary>
    /// <c>POST /orchestrators/{functionName}</c> with a JSON string body holding an E.164 phone number: starts the
    /// orchestrator with the number as input and returns the 202 check-status response.
    /// </summary>
    /// <remarks>
    /// Every refusal starts nothing and answers <c>{"error": ..., "field": ...}</c>: a missing, malformed or non-E.164
    /// number 400, a body that is not JSON 415, a body over <see cref="MaxBodyBytes"/> 413, an unknown orchestrator
    /// 404, and more starts for one number than <see cref="VerificationStartLimit"/> allows 429 with Retry-After.
    /// </remarks>
    /// <param name="req">The request; its body is the phone number as JSON, e.g. <c>"+14255550123"</c>.</param>
    /// <param name="starter">The durable client.</param>
    /// <param name="functionName">The orchestrator to start (route parameter).</param>
    /// <param name="log">The function's logger.</param>
    /// <returns>202 with the management links, or the refusal.</returns>
    [FunctionName("HttpStart")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "orchestrators/{functionName}")] HttpRequest req,
        [DurableClient] IDurableOrchestrationClient starter,
        string functionName,
        ILogger log)
    {
        ArgumentNullException.ThrowIfNull(req);
        ArgumentNullException.ThrowIfNull(starter);
        if (!string.IsNullOrEmpty(req.ContentType) && !IsJson(req.ContentType))
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, $"Send the phone number as JSON (Content-Type: application/json), e.g. {Example}; got '{req.ContentType}'.", "Content-Type");
        }

        string? body = await ReadBodyAsync(req);
        if (body is null)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"The request body must be at most {MaxBodyBytes} bytes: just the phone number as JSON, e.g. {Example}.", "body");
        }

        (string? problem, string field) = TryReadPhoneNumber(body, out string phoneNumber);
        if (problem is not null)
        {
            return Error(StatusCodes.Status400BadRequest, problem, field);
        }

        if (this.limiter.TryAcquire(phoneNumber) is TimeSpan wait)
        {
            int seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            req.HttpContext.Response.Headers["Retry-After"] = seconds.ToString(CultureInfo.InvariantCulture);
            log.LogWarning("Refused a verification for {PhoneNumber}: {MaxStarts} already started within {WindowSeconds} s.", Mask(phoneNumber), this.limiter.Limit.MaxStarts, this.limiter.Limit.Window.TotalSeconds);
            return Error(
                StatusCodes.Status429TooManyRequests,
                $"Too many verifications for this phone number: at most {this.limiter.Limit.MaxStarts} every {this.limiter.Limit.Window.TotalSeconds:0} seconds. Try again in {seconds} seconds.",
                "phoneNumber");
        }

        string instanceId;
        try
        {
            instanceId = await starter.StartNewAsync(functionName, null, phoneNumber);
        }
        catch (ArgumentException e)
        {
            // Unknown or non-orchestrator function name: nothing started, so the number's count is given back.
            this.limiter.Release(phoneNumber);
            return Error(StatusCodes.Status404NotFound, e.Message, "functionName");
        }

        // Any other failure keeps the number's count: the start may have been stored even though the call failed (a
        // store that stopped after a failed disk sync cannot say), and the limit exists to cap texts per number.

        log.LogInformation("Started orchestration '{FunctionName}' with ID = '{InstanceId}'.", functionName, instanceId);
        return starter.CreateCheckStatusResponse(req, instanceId);
    }

    /// <summary>The number with all but its last four digits hidden, for logs.</summary>
    internal static string Mask(string phoneNumber) =>
        phoneNumber.Length <= 4 ? "****" : new string('*', phoneNumber.Length - 4) + phoneNumber[^4..];

    private static ObjectResult Error(int statusCode, string error, string field) =>
        new(new { error, field }) { StatusCode = statusCode };

    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? media)
        && media.MediaType is { } type
        && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The body as text, or null when it is longer than <see cref="MaxBodyBytes"/> (read no further than that).</summary>
    private static async Task<string?> ReadBodyAsync(HttpRequest req)
    {
        if (req.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        byte[] buffer = new byte[MaxBodyBytes + 1];
        int length = 0;
        int read;
        while (length < buffer.Length && (read = await req.Body.ReadAsync(buffer.AsMemory(length), req.HttpContext.RequestAborted)) > 0)
        {
            length += read;
        }

        return length > MaxBodyBytes ? null : Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>Reads the body as a JSON string holding an E.164 number; returns what is wrong and where, or null.</summary>
    private static (string? Problem, string Field) TryReadPhoneNumber(string body, out string phoneNumber)
    {
        phoneNumber = string.Empty;
        if (string.IsNullOrWhiteSpace(body))
        {
            return ($"A phone number is required: send it as a JSON string in the request body, e.g. {Example}.", "body");
        }

        JToken token;
        try
        {
            token = JToken.Parse(body);
        }
        catch (JsonReaderException e)
        {
            return ($"The request body is not valid JSON ({e.Message}). Send the phone number as a JSON string, e.g. {Example}.", "body");
        }

        if (token.Type != JTokenType.String)
        {
            return ($"The request body must be a JSON string holding the phone number, e.g. {Example}; got a JSON {token.Type.ToString().ToLowerInvariant()}.", "body");
        }

        string value = token.Value<string>() ?? string.Empty;
        if (!E164().IsMatch(value))
        {
            // The value is not echoed: it may be anything, and this message can end up in logs.
            return ($"The value is not a phone number in E.164 format: '+', the country code and the number, 2 to 15 digits, no spaces or punctuation, e.g. {Example}.", "phoneNumber");
        }

        phoneNumber = value;
        return (null, "phoneNumber");
    }

    // [0-9] and \z rather than \d and $: \d matches any Unicode digit and $ accepts a trailing newline.
    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex E164();
}
