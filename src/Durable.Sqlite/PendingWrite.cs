namespace Durable.Sqlite;

/// <summary>
/// One caller's transaction waiting in the write queue. It runs at most once; a caller whose token is cancelled
/// while it waits is released without it running, and once it runs it is no longer cancellable (a commit is
/// never cut in half).
/// </summary>
internal abstract class PendingWrite
{
    private const int Waiting = 0;
    private const int Running = 1;
    private const int Cancelled = 2;
    private int state;

    /// <summary>A lease write: acknowledged at COMMIT, without waiting for the WAL sync (see <see cref="SqliteWriter"/>).</summary>
    public bool Lease { get; init; }

    /// <summary>Claims the write for running; false when its caller already gave up.</summary>
    public bool TryStart() => Interlocked.CompareExchange(ref this.state, Running, Waiting) == Waiting;

    /// <summary>Runs the caller's work on the write session, inside the batch's transaction; keeps the result.</summary>
    public abstract void Run(SqliteSession session);

    /// <summary>Hands the kept result to the caller, after the batch committed.</summary>
    public abstract void Succeed();

    /// <summary>Hands the failure to the caller; nothing of this write was committed.</summary>
    public abstract void Fail(Exception exception);

    /// <summary>Releases a caller that gave up before its write started.</summary>
    protected bool TryCancel() => Interlocked.CompareExchange(ref this.state, Cancelled, Waiting) == Waiting;
}

/// <summary>A queued write returning <typeparamref name="T"/>.</summary>
internal sealed class PendingWrite<T> : PendingWrite
{
    private readonly Func<SqliteSession, T> work;

    // Continuations run on the caller's side, never inline on the write loop that completes them.
    private readonly TaskCompletionSource<T> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration registration;
    private T? result;

    public PendingWrite(Func<SqliteSession, T> work, CancellationToken cancellationToken)
    {
        this.work = work;
        if (cancellationToken.CanBeCanceled)
        {
            this.registration = cancellationToken.Register(
                static s =>
                {
                    (PendingWrite<T> self, CancellationToken token) = ((PendingWrite<T>, CancellationToken))s!;
                    if (self.TryCancel())
                    {
                        self.completion.TrySetCanceled(token);
                    }
                },
                (this, cancellationToken));
        }
    }

    public Task<T> Task => this.completion.Task;

    public override void Run(SqliteSession session) => this.result = this.work(session);

    public override void Succeed()
    {
        this.registration.Dispose();
        this.completion.TrySetResult(this.result!);
    }

    public override void Fail(Exception exception)
    {
        this.registration.Dispose();
        this.completion.TrySetException(exception);
    }
}
