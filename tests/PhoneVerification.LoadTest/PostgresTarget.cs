using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Durable.Testing;
using Npgsql;

namespace PhoneVerification.LoadTest;

/// <summary>
/// The PostgreSQL server of a run (<c>--store postgres</c>): a throwaway one the tool starts (durable settings, deleted
/// afterwards) or the one <c>--pg-connection</c> names. It gives the started hosts their settings (a fresh task hub per
/// run, so runs never see each other's instances), finds the server's postmaster on this machine for its CPU, and
/// reports pg_stat_statements when asked.
/// </summary>
internal sealed partial class PostgresTarget : IAsyncDisposable
{
    private const string Prefix = "AzureFunctionsJobHost__extensions__durableTask__";
    private readonly PostgresCluster? cluster;

    private PostgresTarget(PostgresCluster? cluster, string connectionString, int? postmasterPid)
    {
        this.cluster = cluster;
        this.ConnectionString = connectionString;
        this.PostmasterPid = postmasterPid;
    }

    /// <summary>The store's database.</summary>
    public string ConnectionString { get; }

    /// <summary>The task hub of this run's hosts.</summary>
    public string HubName { get; } = "load" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The postmaster's process id when the server runs on this machine; else null (no DB CPU).</summary>
    public int? PostmasterPid { get; }

    /// <summary>What a started host needs in its environment to use this server (docs/postgresql.md).</summary>
    public IReadOnlyDictionary<string, string> HostSettings => new Dictionary<string, string>
    {
        [Prefix + "storageProvider__type"] = "postgres",
        [Prefix + "storageProvider__connectionStringName"] = "DurablePostgres",
        [Prefix + "hubName"] = this.HubName,
        ["DurablePostgres"] = this.ConnectionString,
    };

    /// <summary>Starts the throwaway server, or opens the given one; checks it answers and finds its postmaster.</summary>
    public static async Task<PostgresTarget> OpenAsync(LoadTestOptions options, TextWriter output)
    {
        PostgresCluster? cluster = null;
        string connectionString;
        if (options.PgConnection is { } given)
        {
            connectionString = given;
        }
        else
        {
            // The server's defaults are kept (fsync, synchronous_commit, full_page_writes on, default shared_buffers):
            // the figures are what a real deployment pays.
            cluster = await PostgresCluster.StartAsync(durable: true, options.PgStatStatements ? ["shared_preload_libraries=pg_stat_statements"] : []).ConfigureAwait(false);
            connectionString = await cluster.CreateDatabaseAsync("durable_load").ConfigureAwait(false);
        }

        try
        {
            int? postmaster = await FindPostmasterAsync(connectionString).ConfigureAwait(false);
            PostgresTarget target = new(cluster, connectionString, postmaster);
            if (options.PgStatStatements)
            {
                await target.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").ConfigureAwait(false);
            }

            NpgsqlConnectionStringBuilder shown = new(connectionString) { Password = null };
            output.WriteLine($"PostgreSQL {(cluster is null ? "given" : "throwaway")}: {shown.Host}:{shown.Port}/{shown.Database}, hub {target.HubName}, postmaster pid {postmaster?.ToString(CultureInfo.InvariantCulture) ?? "n/a (not on this machine)"}");
            return target;
        }
        catch
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>CPU of the postmaster and all its children so far; null when the server is not local.</summary>
    public TimeSpan? CpuTime() => HostMetrics.ProcessTreeCpuTime(this.PostmasterPid);

    /// <summary>Forgets the statements counted so far (warm-up, schema creation), so the report covers the measured flows.</summary>
    public Task ResetStatementsAsync() => this.ExecuteAsync("SELECT pg_stat_statements_reset()");

    /// <summary>
    /// Writes the top statements of the store's database by calls, per flow (calls, execution ms, rows), and returns the
    /// totals per flow for the JSON line.
    /// </summary>
    public async Task<JsonObject> ReportStatementsAsync(int flows, TextWriter report)
    {
        await using NpgsqlConnection connection = new(this.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using NpgsqlCommand command = new(
            "SELECT calls, total_exec_time, rows, query FROM pg_stat_statements " +
            "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%' " +
            "ORDER BY calls DESC",
            connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        long calls = 0;
        double milliseconds = 0;
        int shown = 0;
        report.WriteLine($"pg_stat_statements over {flows} measured flows (per flow): calls, execution ms, rows, statement");
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            long c = reader.GetInt64(0);
            double ms = reader.GetDouble(1);
            calls += c;
            milliseconds += ms;
            if (shown++ < 20)
            {
                string query = Whitespace().Replace(reader.GetString(3), " ");
                report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(double)c / flows,8:0.00} {ms / flows,8:0.000} {(double)reader.GetInt64(2) / flows,8:0.00}  {(query.Length > 160 ? query[..160] + "…" : query)}"));
            }
        }

        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total: {(double)calls / flows:0.00} statements and {milliseconds / flows:0.000} ms of execution per flow"));
        return new JsonObject
        {
            ["statementsPerFlow"] = Math.Round((double)calls / flows, 2),
            ["executionMsPerFlow"] = Math.Round(milliseconds / flows, 3),
        };
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (this.cluster is not null)
        {
            await this.cluster.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The postmaster is the parent of the backend serving this connection. Only for a server on this machine: a remote
    /// backend's id means nothing here, so the host must be loopback or a unix socket, and both processes named postgres.
    /// </summary>
    private static async Task<int?> FindPostmasterAsync(string connectionString)
    {
        await using NpgsqlConnection connection = new(connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using NpgsqlCommand command = new("SELECT pg_backend_pid()", connection);
        int backend = (int)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
        string host = new NpgsqlConnectionStringBuilder(connectionString).Host ?? string.Empty;
        bool local = host.StartsWith('/') || host is "localhost" or "127.0.0.1" or "::1";
        return local && HostMetrics.ProcessName(backend) == "postgres" && HostMetrics.ParentPid(backend) is { } parent && HostMetrics.ProcessName(parent) == "postgres"
            ? parent
            : null;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using NpgsqlConnection connection = new(this.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using NpgsqlCommand command = new(sql, connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
