using Durable.Testing.Twilio;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace Twilio.WebJobs.Tests;

/// <summary>A Twilio-compatible server that speaks HTTP/1.0 and closes each connection after its answer (Python's http.server).</summary>
public sealed class Http10ServerTests
{
    private const int Sends = 500;

    [Fact]
    public async Task SendMessageAsync_500SendsToHttp10CloseAfterResponseServer_NoneFailsAndEachIsOneRequest()
    {
        // Arrange: eight senders at once, as concurrent activities would, so a connection is rented the moment it is returned.
        await using ClientFixture fixture = await ClientFixture.StartAsync(http10CloseAfterResponse: true);
        int next = -1;
        List<Exception> failures = [];

        // Act
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (int i = Interlocked.Increment(ref next); i < Sends; i = Interlocked.Increment(ref next))
            {
                string to = "+1425555" + i.ToString("0000", System.Globalization.CultureInfo.InvariantCulture);
                try
                {
                    await fixture.Client.SendMessageAsync(ClientFixture.Credentials, new CreateMessageOptions(new PhoneNumber(to)) { From = "+15005550006", Body = "Your verification code is 0123" });
                }
                catch (Exception e)
                {
                    lock (failures)
                    {
                        failures.Add(e);
                    }
                }
            }
        })));

        // Assert: no send failed, none was resent or looked up (the cause is fixed, not papered over), one SMS each.
        Assert.True(failures.Count == 0, $"{failures.Count} of {Sends} sends failed; first: {failures.FirstOrDefault()}");
        Assert.Equal(Sends, fixture.Server.Accepted.Select(m => m.To).Distinct().Count());
        Assert.Equal(Sends, fixture.Server.Accepted.Count);
        Assert.Equal(Sends, fixture.Server.Requests.Count);
        Assert.Equal(0, fixture.Server.Lookups);
        Assert.Equal(Sends, fixture.Server.Connections);
    }

    [Fact]
    public async Task SendMessageAsync_Http11Server_ReusesOneConnection()
    {
        // Arrange: the HTTP/1.0 fix must not cost HTTP/1.1 servers (Twilio) their pooled connection.
        await using ClientFixture fixture = await ClientFixture.StartAsync();

        // Act
        for (int i = 0; i < 20; i++)
        {
            await fixture.Client.SendMessageAsync(ClientFixture.Credentials, new CreateMessageOptions(new PhoneNumber("+14255550123")) { From = "+15005550006", Body = "Your verification code is 0123" });
        }

        // Assert
        Assert.Equal(20, fixture.Server.Accepted.Count);
        Assert.Equal(1, fixture.Server.Connections);
    }
}
