using Microsoft.Azure.WebJobs.Extensions.DurableTask;
using Moq;
using Newtonsoft.Json.Linq;

namespace PhoneVerification.Tests;

/// <summary>
/// A strict Moq context for the orchestrator: the activity returns a fixed challenge, the timer is a task the test
/// fires (or that the orchestrator cancels), and the answers are handed out in order.
/// </summary>
internal sealed class OrchestrationContextFake
{
    public static readonly DateTime Now = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    private readonly TaskCompletionSource timer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<Task<JToken>> answers = new();

    public OrchestrationContextFake(string? phoneNumber, SmsChallenge challenge)
    {
        this.Mock = new Mock<IDurableOrchestrationContext>(MockBehavior.Strict);
        this.Mock.Setup(c => c.GetInput<string>()).Returns(phoneNumber!);
        this.Mock.Setup(c => c.CurrentUtcDateTime).Returns(Now);
        this.Mock.Setup(c => c.CallActivityAsync<SmsChallenge>("E4_SendSmsChallenge", phoneNumber)).ReturnsAsync(challenge);
        this.Mock
            .Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .Callback((DateTime fireAt, CancellationToken token) =>
            {
                this.TimerFireAt = fireAt;
                this.TimerToken = token;

                // As in the engine: cancelling the token cancels the timer task.
                token.Register(() => this.timer.TrySetCanceled(token));
            })
            .Returns(this.timer.Task);
        this.Mock
            .Setup(c => c.WaitForExternalEvent<JToken>("SmsChallengeResponse"))
            .Returns(() =>
            {
                this.WaitCount++;
                return this.answers.Count > 0 ? this.answers.Dequeue() : new TaskCompletionSource<JToken>().Task;
            });
        this.Mock
            .Setup(c => c.SetCustomStatus(It.IsAny<object>()))
            .Callback((object status) => this.CustomStatuses.Add(JToken.FromObject(status)));
    }

    public Mock<IDurableOrchestrationContext> Mock { get; }

    public IDurableOrchestrationContext Object => this.Mock.Object;

    public DateTime? TimerFireAt { get; private set; }

    public CancellationToken TimerToken { get; private set; }

    public int WaitCount { get; private set; }

    /// <summary>Every custom status the orchestrator set, in order, as the JSON the status API would show.</summary>
    public List<JToken> CustomStatuses { get; } = [];

    /// <summary>Queues answers delivered at once, as JSON text (e.g. <c>1234</c>, <c>"0042"</c>, <c>"abc"</c>).</summary>
    public OrchestrationContextFake Answer(params string[] json)
    {
        foreach (string answer in json)
        {
            this.answers.Enqueue(Task.FromResult(JToken.Parse(answer)));
        }

        return this;
    }

    /// <summary>Makes the timer fire.</summary>
    public void FireTimer() => this.timer.TrySetResult();
}
