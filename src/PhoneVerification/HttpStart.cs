using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Azure.WebJobs.Extensions.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace PhoneVerification;

/// <summary>The sample's HTTP client function: starts an orchestration with the phone number posted as JSON.</summary>
public sealed class HttpStart
{
    /// <summary>A phone number in JSON is a few dozen bytes; anything much larger is not a phone number.</summary>
    public const int MaxBodyBytes = 1024;

    private const string Example = PhoneNumberInput.Example;
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
    /// Every refusal starts nothing and answers <c>{"error": ..., "status": ..., "field": ...}</c>: a missing, malformed or non-E.164
    /// number 400, a body not declared as JSON (or without Content-Type) 415, a body over <see cref="MaxBodyBytes"/> 413, an unknown orchestrator
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
        // A missing Content-Type is refused too: a page on another origin can POST text without one (no CORS
        // preflight), never application/json, so it cannot start a verification through the owner's Twilio account.
        if (!IsJson(req.ContentType))
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, $"Send the phone number as JSON (Content-Type: application/json), e.g. {Example}; got '{req.ContentType}'.", "Content-Type");
        }

        byte[]? body = await ReadBodyAsync(req);
        if (body is null)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"The request body must be at most {MaxBodyBytes} bytes: just the phone number as JSON, e.g. {Example}.", "body");
        }

        (string? problem, string field) = PhoneNumberInput.TryRead(body, out string phoneNumber);
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

    // The product's error shape: {"error", "status", "field"}.
    private static ObjectResult Error(int statusCode, string error, string field) =>
        new(new { error, status = statusCode, field }) { StatusCode = statusCode };

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? media)
        && media.MediaType is { } type
        && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The body's bytes, or null when it is longer than <see cref="MaxBodyBytes"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest req)
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

        return length > MaxBodyBytes ? null : buffer[..length];
    }
}
