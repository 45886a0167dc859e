namespace Durable.Testing.Twilio;

/// <summary>How <see cref="FakeTwilioServer"/> treats one send (POST) to a phone number; queued per number with <see cref="FakeTwilioServer.AddFaults"/>.</summary>
public sealed record TwilioFault
{
    private TwilioFault(TwilioFaultKind kind)
    {
        this.Kind = kind;
    }

    /// <summary>What happens.</summary>
    public TwilioFaultKind Kind { get; }

    /// <summary>HTTP status of an <see cref="TwilioFaultKind.Answer"/>.</summary>
    public int Status { get; private init; }

    /// <summary>Body of an <see cref="TwilioFaultKind.Answer"/>.</summary>
    public string Body { get; private init; } = string.Empty;

    /// <summary>Content type of an <see cref="TwilioFaultKind.Answer"/>.</summary>
    public string ContentType { get; private init; } = "application/json";

    /// <summary><c>Retry-After</c> header of an <see cref="TwilioFaultKind.Answer"/>, if any.</summary>
    public string? RetryAfter { get; private init; }

    /// <summary>How long a <see cref="TwilioFaultKind.SlowAfterRecording"/> send waits before answering 201.</summary>
    public TimeSpan Delay { get; private init; }

    /// <summary>No fault: the message is recorded and answered 201, as an unscripted send is.</summary>
    public static TwilioFault Accept() => new(TwilioFaultKind.Accept);

    /// <summary>The message is recorded (Twilio accepted it), then the connection is closed without an answer.</summary>
    public static TwilioFault CloseAfterRecording() => new(TwilioFaultKind.CloseAfterRecording);

    /// <summary>The request is read, then the connection is closed: nothing recorded, no answer.</summary>
    public static TwilioFault CloseBeforeRecording() => new(TwilioFaultKind.CloseBeforeRecording);

    /// <summary>The message is recorded, then the answer (201) comes only after <paramref name="delay"/> (or when the client leaves).</summary>
    public static TwilioFault SlowAfterRecording(TimeSpan delay) => new(TwilioFaultKind.SlowAfterRecording) { Delay = delay };

    /// <summary>Nothing recorded; answers <paramref name="status"/> with Twilio's error JSON.</summary>
    public static TwilioFault Error(int status, int code, string message, string? retryAfter = null) =>
        Raw(status, $$"""{"code":{{code}},"message":{{System.Text.Json.JsonSerializer.Serialize(message)}},"more_info":"https://www.twilio.com/docs/errors/{{code}}","status":{{status}}}""", "application/json", retryAfter);

    /// <summary>Nothing recorded; answers <paramref name="status"/> with exactly <paramref name="body"/> (a proxy's page, say).</summary>
    public static TwilioFault Raw(int status, string body, string contentType = "text/html", string? retryAfter = null) =>
        new(TwilioFaultKind.Answer) { Status = status, Body = body, ContentType = contentType, RetryAfter = retryAfter };
}
