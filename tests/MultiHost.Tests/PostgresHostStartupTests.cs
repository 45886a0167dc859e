using System.Net;
using System.Net.Sockets;
using Durable.Testing.Processes;

namespace MultiHost.Tests;

/// <summary>
/// <c>storageProvider.type = postgres</c> misconfigured: the host stops at start with one line saying what is wrong,
/// and never prints the connection string's password. None of these needs a PostgreSQL server.
/// </summary>
public sealed class PostgresHostStartupTests
{
    private const string Password = "s3cret-pw";

    [Fact]
    public async Task Start_ConnectionSettingNotSet_ExitsNamingTheSetting()
    {
        // Act
        (int exitCode, string error) = await RunAsync(connectionString: null);

        // Assert
        Assert.Equal(1, exitCode);
        Assert.StartsWith("FunctionsHost could not start: The app setting 'DurablePostgres' named by host.json extensions.durableTask.storageProvider.connectionStringName is not set", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MalformedConnectionString_ExitsNamingTheKeywordNotThePassword()
    {
        // Act
        (int exitCode, string error) = await RunAsync($"Host=127.0.0.1;Pasword={Password}");

        // Assert
        Assert.Equal(1, exitCode);
        Assert.Contains("The PostgreSQL connection string is not valid: the keyword 'Pasword'", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoServerAtAddress_ExitsSayingTheStoreIsUnavailable()
    {
        // Arrange: a loopback port nothing listens on.
        int port;
        using (TcpListener probe = new(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        // Act
        (int exitCode, string error) = await RunAsync($"Host=127.0.0.1;Port={port};Database=durable;Username=durable;Password={Password}");

        // Assert: one line naming the server (no stack trace), the password nowhere.
        Assert.Equal(1, exitCode);
        Assert.StartsWith($"FunctionsHost could not start: The PostgreSQL store at 127.0.0.1:{port}/durable is unavailable", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Error)> RunAsync(string? connectionString)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"multihost-startup-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(
            Path.Combine(folder, "host.json"),
            """{"version": "2.0", "extensions": {"durableTask": {"hubName": "StartupHub", "storageProvider": {"type": "postgres", "connectionStringName": "DurablePostgres"}}}}""");
        try
        {
            using HostProcess host = HostProcess.Start(new HostProcessOptions
            {
                AppFolder = folder,
                Environment = new Dictionary<string, string?> { ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development", ["DurablePostgres"] = connectionString },
            });
            int exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(60));
            return (exitCode, host.Error.Trim());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
