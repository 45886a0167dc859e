using System.Text;
using Durable.WebJobs.Http;

namespace Durable.WebJobs.Tests;

public sealed class SignedContinuationTokenTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    [Fact]
    public void Verify_IssuedToken_ReturnsStoreToken()
    {
        // Arrange
        SignedContinuationToken tokens = new(Key);
        string issued = tokens.Sign("NjM4MDAwfGFiYw==");

        // Act
        string? read = new SignedContinuationToken(Key).Verify(issued);

        // Assert
        Assert.Equal("NjM4MDAwfGFiYw==", read);
    }

    [Theory]
    [InlineData("other key")]
    [InlineData("payload changed")]
    [InlineData("mac changed")]
    [InlineData("appended")]
    [InlineData("padded")]
    [InlineData("no mac")]
    [InlineData("base64 of text")]
    public void Verify_TokenNotIssued_ReturnsNull(string forgery)
    {
        // Arrange
        SignedContinuationToken tokens = new(Key);
        string issued = tokens.Sign("NjM4MDAwfGFiYw==");
        int dot = issued.IndexOf('.', StringComparison.Ordinal);
        string forged = forgery switch
        {
            "other key" => new SignedContinuationToken(null).Sign("NjM4MDAwfGFiYw=="),
            "payload changed" => (issued[0] == 'A' ? "B" : "A") + issued[1..],
            "mac changed" => issued[..(dot + 1)] + (issued[dot + 1] == 'A' ? "B" : "A") + issued[(dot + 2)..],
            "appended" => issued + "A",
            "padded" => issued + "=",
            "no mac" => issued[..dot],
            _ => Convert.ToBase64String(Encoding.UTF8.GetBytes("638000|abc")),
        };

        // Act
        string? read = tokens.Verify(forged);

        // Assert
        Assert.Null(read);
    }
}
