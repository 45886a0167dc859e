using Durable.Core.Diagnostics;

namespace Durable.Core.Tests.Fakes;

/// <summary>A work item scope that writes what it was told into a list.</summary>
internal sealed class RecordingScope : IWorkItemScope<string>
{
    private readonly List<string> calls;

    public RecordingScope(List<string> calls)
    {
        this.calls = calls;
    }

    public void CommitStarting(string result) => this.calls.Add("commit-starting");

    public void Committed(string result) => this.calls.Add("committed:" + result);

    public void LeaseLost() => this.calls.Add("lease-lost");

    public void Dispose() => this.calls.Add("disposed");
}
