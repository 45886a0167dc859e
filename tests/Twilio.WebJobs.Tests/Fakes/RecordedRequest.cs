namespace Twilio.WebJobs.Tests.Fakes;

/// <summary>One request as the fake Twilio server saw it.</summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Authorization,
    string? ContentType,
    string RawBody,
    IReadOnlyDictionary<string, string> Form);
