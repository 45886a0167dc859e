using Microsoft.Data.Sqlite;
using PhoneVerification.FaultInjection.Stores;
using Xunit.Abstractions;

namespace PhoneVerification.FaultInjection;

/// <summary>The outage on SQLite: another connection (to SQLite, another process) holds the file's write lock.</summary>
public sealed class SqliteOutageTests : OutageLongerThanLeaseTests
{
    public SqliteOutageTests(ITestOutputHelper output)
        : base(output)
    {
    }

    internal override IStoreUnderTest CreateStore() => new SqliteStoreUnderTest();

    protected override Task<IAsyncDisposable> BeginOutageAsync()
    {
        SqliteConnection locker = SqliteStoreUnderTest.Connect(this.AppFolder);
        locker.Open();
        using (SqliteCommand begin = locker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE";
            begin.ExecuteNonQuery();
        }

        return Task.FromResult<IAsyncDisposable>(new Lock(locker));
    }

    /// <summary>Ends the outage: rolls the locking transaction back and closes its connection.</summary>
    private sealed class Lock(SqliteConnection locker) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using SqliteCommand rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
            await locker.DisposeAsync();
        }
    }
}
