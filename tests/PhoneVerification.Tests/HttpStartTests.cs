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
        IActionResult result = await NewFunction().Run(request, client.Object, Orchestrator, NullLogger.Instance);

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

        IActionResult result = await NewFunction().Run(Request(body), client.Object, Orchestrator, NullLogger.Instance);

        ObjectResult badRequest = Assert.IsAssignableFrom<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status400BadRequest, badRequest.StatusCode);
        string error = ErrorOf(badRequest);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Run_UnknownOrchestrator_Returns404NamingIt()
    {
        Mock<IDurableOrchestrationClient> client = new(MockBehavior.Strict);
        client.Setup(c => c.StartNewAsync("Nope", null, "+14255550123"))
            .ThrowsAsync(new ArgumentException("The function 'Nope' doesn't exist, is disabled, or is not an orchestrator function."));

        IActionResult result = await NewFunction().Run(Request("\"+14255550123\""), client.Object, "Nope", NullLogger.Instance);

        ObjectResult notFound = Assert.IsAssignableFrom<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status404NotFound, notFound.StatusCode);
        Assert.Contains("'Nope' doesn't exist", ErrorOf(notFound), StringComparison.Ordinal);
        Assert.Equal("functionName", FieldOf(notFound));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task Run_NotJsonContentType_Returns415AndStartsNothing(string contentType)
    {
        Mock<IDurableOrchestrationClient> client = new(MockBehavior.Strict);
        HttpRequest request = Request("\"+14255550123\"");
        request.ContentType = contentType;

        IActionResult result = await NewFunction().Run(request, client.Object, Orchestrator, NullLogger.Instance);

        ObjectResult refused = Assert.IsAssignableFrom<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, refused.StatusCode);
        Assert.Equal("Content-Type", FieldOf(refused));
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Run_BodyOverLimit_Returns413AndStartsNothing()
    {
        Mock<IDurableOrchestrationClient> client = new(MockBehavior.Strict);

        IActionResult result = await NewFunction().Run(Request("\"" + new string('1', HttpStart.MaxBodyBytes) + "\""), client.Object, Orchestrator, NullLogger.Instance);

        ObjectResult refused = Assert.IsAssignableFrom<ObjectResult>(result);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, refused.StatusCode);
        Assert.Equal("body", FieldOf(refused));
        client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Run_MoreStartsThanTheCap_Returns429WithRetryAfter_OtherNumbersUnaffected()
    {
        // Arrange: 2 per 10 minutes.
        Mock<IDurableOrchestrationClient> client = new();
        client.Setup(c => c.StartNewAsync(Orchestrator, null, It.IsAny<string>())).ReturnsAsync("id");
        client.Setup(c => c.CreateCheckStatusResponse(It.IsAny<HttpRequest>(), "id", false)).Returns(new AcceptedResult());
        HttpStart function = new(new VerificationStartLimiter(new VerificationStartLimit(2, TimeSpan.FromMinutes(10)), TimeProvider.System));
        await function.Run(Request("\"+14255550123\""), client.Object, Orchestrator, NullLogger.Instance);
        await function.Run(Request("\"+14255550123\""), client.Object, Orchestrator, NullLogger.Instance);
        HttpRequest third = Request("\"+14255550123\"");

        // Act
        IActionResult refused = await function.Run(third, client.Object, Orchestrator, NullLogger.Instance);
        IActionResult other = await function.Run(Request("\"+14255550124\""), client.Object, Orchestrator, NullLogger.Instance);

        // Assert
        ObjectResult tooMany = Assert.IsAssignableFrom<ObjectResult>(refused);
        Assert.Equal(StatusCodes.Status429TooManyRequests, tooMany.StatusCode);
        Assert.Equal("phoneNumber", FieldOf(tooMany));
        int retryAfter = int.Parse(third.HttpContext.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 600);
        Assert.IsType<AcceptedResult>(other);
        client.Verify(c => c.StartNewAsync(Orchestrator, null, "+14255550123"), Times.Exactly(2));
    }

    [Fact]
    public async Task Run_UnknownOrchestrator_DoesNotUseUpTheCap()
    {
        Mock<IDurableOrchestrationClient> client = new();
        client.Setup(c => c.StartNewAsync("Nope", null, It.IsAny<string>())).ThrowsAsync(new ArgumentException("The function 'Nope' doesn't exist."));
        HttpStart function = new(new VerificationStartLimiter(new VerificationStartLimit(1, TimeSpan.FromMinutes(10)), TimeProvider.System));

        IActionResult first = await function.Run(Request("\"+14255550123\""), client.Object, "Nope", NullLogger.Instance);
        IActionResult second = await function.Run(Request("\"+14255550123\""), client.Object, "Nope", NullLogger.Instance);

        Assert.Equal(StatusCodes.Status404NotFound, Assert.IsAssignableFrom<ObjectResult>(first).StatusCode);
        Assert.Equal(StatusCodes.Status404NotFound, Assert.IsAssignableFrom<ObjectResult>(second).StatusCode);
    }

    [Fact]
    public async Task Run_StartOutcomeUnknown_KeepsTheNumbersStartSlot()
    {
        // Arrange: one start per number; the store stops mid-start (a failed disk sync), so the start may have been stored.
        Mock<IDurableOrchestrationClient> client = new();
        client.Setup(c => c.StartNewAsync(Orchestrator, null, It.IsAny<string>())).ThrowsAsync(new Durable.Core.Storage.StoreFailedException("outcome unknown (test)"));
        HttpStart function = new(new VerificationStartLimiter(new VerificationStartLimit(1, TimeSpan.FromMinutes(10)), TimeProvider.System));
        await Assert.ThrowsAsync<Durable.Core.Storage.StoreFailedException>(() => function.Run(Request("\"+14255550123\""), client.Object, Orchestrator, NullLogger.Instance));

        // Act
        IActionResult again = await function.Run(Request("\"+14255550123\""), client.Object, Orchestrator, NullLogger.Instance);

        // Assert: the slot stayed taken; no second start was tried.
        Assert.Equal(StatusCodes.Status429TooManyRequests, Assert.IsAssignableFrom<ObjectResult>(again).StatusCode);
        client.Verify(c => c.StartNewAsync(Orchestrator, null, "+14255550123"), Times.Once());
    }

    private static HttpStart NewFunction() => new(new VerificationStartLimiter(VerificationStartLimit.Default, TimeProvider.System));

    private static string FieldOf(ObjectResult result) =>
        (string)result.Value!.GetType().GetProperty("field")!.GetValue(result.Value)!;

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
