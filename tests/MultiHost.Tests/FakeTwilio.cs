using Durable.Testing.Twilio;

namespace MultiHost.Tests;

/// <summary>
/// The shared fake Twilio (<see cref="FakeTwilioServer"/>) as these tests use it: every host texts it, including one
/// killed later; codes per phone number oldest first, and waiters learn of each new one at once.
/// </summary>
internal sealed class FakeTwilio : IAsyncDisposable
{
    private readonly FakeTwilioServer server = FakeTwilioServer.Start(authToken: "test-auth-token");

    public string BaseUrl => this.server.BaseUrl.ToString().TrimEnd('/');

    /// <summary>How many SMS were sent in all (an activity re-run after a kill that did not find its SMS sends a second one).</summary>
    public int MessageCount => this.server.Accepted.Count;

    public Task StartAsync() => Task.CompletedTask;

    /// <summary>The codes texted to <paramref name="phone"/> so far, oldest first.</summary>
    public IReadOnlyList<string> CodesFor(string phone) => [.. this.server.AcceptedFor(phone).Select(m => m.Code)];

    /// <summary>Completes when more than <paramref name="seen"/> codes were texted to <paramref name="phone"/>.</summary>
    public Task WhenMoreThanAsync(string phone, int seen) => this.server.WhenAcceptedAsync(phone, seen + 1);

    public ValueTask DisposeAsync() => this.server.DisposeAsync();
}
