namespace Durable.Core.Diagnostics;

/// <summary>
/// The measurements of one work item (its span and clock), told how the item ended: committed, dropped with its lost
/// lease, or (when none of these is called before disposal) abandoned for a retry.
/// </summary>
/// <typeparam name="TResult">What the work item commits: an orchestration commit or an activity's result event.</typeparam>
internal interface IWorkItemScope<in TResult> : IDisposable
{
    /// <summary>The work ran (or was given up on); storing <paramref name="result"/> begins.</summary>
    /// <param name="result">What is about to be stored.</param>
    void CommitStarting(TResult result);

    /// <summary>The result is stored.</summary>
    void Committed(TResult result);

    /// <summary>The lease was lost or lapsed; the result was dropped, not stored.</summary>
    void LeaseLost();
}
