namespace PhoneVerification.LoadTest;

/// <summary>The store the hosts under test use (<c>--store</c>).</summary>
internal enum StoreKind
{
    /// <summary>One SQLite file (the default; one host).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database: a throwaway server the tool starts, or <c>--pg-connection</c>.</summary>
    Postgres,
}
