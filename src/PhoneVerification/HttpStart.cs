using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.WebJobs;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Azure.WebJobs.Extensions.Http;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PhoneVerification;

/// <summary>The sample's HTTP client function: starts an orchestration with the phone number posted as JSON.</summary>
public static partial class HttpStart
{
    private const string Example = "\"+14255550123\"";

    /// <summary>
    /// <c>POST /orchestrators/{functionName}</c> with a JSON string body holding an E.164 phone number: starts the
    /// orchestrator with the number as input and returns the 202 check-status response.
    /// </summary>
    /// <remarks>
    /// A missing, malformed or non-E.164 number gives 400 with <c>{"error": ...}</c> and starts nothing; so does an
    /// unknown orchestrator name.
    /// </remarks>
    /// <param name="req">The request; its body is the phone number as JSON, e.g. <c>"+14255550123"</c>.</param>
    /// <param name="starter">The durable client.</param>
    /// <param name="functionName">The orchestrator to start (route parameter).</param>
    /// <param name="log">The function's logger.</param>
    /// <returns>202 with the management links, or 400.</returns>
    [FunctionName("HttpStart")]
    public static async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "orchestrators/{functionName}")] HttpRequest req,
        [DurableClient] IDurableOrchestrationClient starter,
        string functionName,
        ILogger log)
    {
        string body;
        using (StreamReader reader = new(req.Body))
        {
            body = await reader.ReadToEndAsync();
        }

        string? problem = TryReadPhoneNumber(body, out string phoneNumber);
        if (problem is not null)
        {
            return new BadRequestObjectResult(new { error = problem });
        }

        string instanceId;
        try
        {
            instanceId = await starter.StartNewAsync(functionName, null, phoneNumber);
        }
        catch (ArgumentException e)
        {
            // Unknown or non-orchestrator function name.
            return new BadRequestObjectResult(new { error = e.Message });
        }

        log.LogInformation("Started orchestration '{FunctionName}' with ID = '{InstanceId}'.", functionName, instanceId);
        return starter.CreateCheckStatusResponse(req, instanceId);
    }

    /// <summary>Reads the body as a JSON string holding an E.164 number; returns what is wrong, or null.</summary>
    private static string? TryReadPhoneNumber(string body, out string phoneNumber)
    {
        phoneNumber = string.Empty;
        if (string.IsNullOrWhiteSpace(body))
        {
            return $"A phone number is required: send it as a JSON string in the request body, e.g. {Example}.";
        }

        JToken token;
        try
        {
            token = JToken.Parse(body);
        }
        catch (JsonReaderException e)
        {
            return $"The request body is not valid JSON ({e.Message}). Send the phone number as a JSON string, e.g. {Example}.";
        }

        if (token.Type != JTokenType.String)
        {
            return $"The request body must be a JSON string holding the phone number, e.g. {Example}; got a JSON {token.Type.ToString().ToLowerInvariant()}.";
        }

        string value = token.Value<string>() ?? string.Empty;
        if (!E164().IsMatch(value))
        {
            return $"'{value}' is not a phone number in E.164 format: '+', the country code and the number, 2 to 15 digits, no spaces or punctuation, e.g. {Example}.";
        }

        phoneNumber = value;
        return null;
    }

    // [0-9] and \z rather than \d and $: \d matches any Unicode digit and $ accepts a trailing newline.
    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex E164();
}
