using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace PhoneVerification.Tests;

public sealed class HttpStartTests
{
    private const string Orchestrator = "E4_SmsPhoneVerification";

    [Fact]
    public async Task Run_JsonPhoneNumber_StartsNamedOrchestratorAndReturnsCheckStatusResponse()
    {
        // Arrange
        HttpRequest request = Request("\"+14255550123\"");
        IActionResult checkStatus = new AcceptedResult();
        Mock<IDurableOrchestrationClient> client = new(MockBehavior.Strict);
        client.Setup(c => c.StartNewAsync(Orchestrator, null, "+14255550123")).ReturnsAsync("abc123");
        client.Setup(c => c.CreateCheckStatusResponse(request, "abc123", false)).Returns(checkStatus);

        // Act
        IActionResult result = await HttpStart.Run(request, client.Object, Orchestrator, NullLogger.Instance);

        // Assert
        Assert.Same(checkStatus, result);
        client.Verify(c => c.StartNewAsync(Orchestrator, null, "+14255550123"), Times.Once);
    }

    [Theory]
    [InlineData("", "A phone number is required")]
    [InlineData("   ", "A phone number is required")]
    [InlineData("\"+1 425 555 0123\"", "is not a phone number in E.164 format")]
    [InlineData("\"4255550123\"", "is not a phone number in E.164 format")]
    [InlineData("\"+0123\"", "is not a phone number in E.164 format")]
    [InlineData("\"+1234567890123456\"", "is not a phone number in E.164 format")]
    [InlineData("\"\"", "is not a phone number in E.164 format")]
    [InlineData("14255550123", "must be a JSON string")]
    [InlineData("{\"phone\":\"+14255550123\"}", "must be a JSON string")]
    [InlineData("null", "must be a JSON string")]
    [InlineData("+14255550123", "not valid JSON")]
    [InlineData("\"+14255550123", "not valid JSON")]
    public async Task Run_MissingOrBadPhoneNumber_Returns400WithMessageAndStartsNothing(string body, string expected)
    {
        Mock<IDurableOrchestrationClient> client = new(MockBehavior.Strict);

        IActionResult result = await HttpStart.Run(Request(body), client.Object, Orchestrator, NullLogger.Instance);

        BadRequestObjectResult badRequest = Assert.IsType<BadRequestObjectResult>(result);
        string error = ErrorOf(badRequest);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Run_UnknownOrchestrator_Returns400()
    {
        Mock<IDurableOrchestrationClient> client = new(MockBehavior.Strict);
        client.Setup(c => c.StartNewAsync("Nope", null, "+14255550123"))
            .ThrowsAsync(new ArgumentException("The function 'Nope' doesn't exist, is disabled, or is not an orchestrator function."));

        IActionResult result = await HttpStart.Run(Request("\"+14255550123\""), client.Object, "Nope", NullLogger.Instance);

        Assert.Contains("'Nope' doesn't exist", ErrorOf(Assert.IsType<BadRequestObjectResult>(result)), StringComparison.Ordinal);
    }

    private static string ErrorOf(ObjectResult result) =>
        (string)result.Value!.GetType().GetProperty("error")!.GetValue(result.Value)!;

    private static HttpRequest Request(string body)
    {
        DefaultHttpContext context = new();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return context.Request;
    }
}
