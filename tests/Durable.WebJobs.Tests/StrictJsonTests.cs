using System.Text;
using Durable.WebJobs.Http;

namespace Durable.WebJobs.Tests;

public sealed class StrictJsonTests
{
    [Theory]
    [InlineData("'+14255550199'")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("{a:1}")]
    [InlineData("[1234,]")]
    [InlineData("{\"a\":1,}")]
    [InlineData("\"a\u0000b\"")]
    [InlineData("\"a\tb\"")]
    [InlineData("1234 // x")]
    [InlineData("/* x */ 1234")]
    [InlineData("1234 x")]
    [InlineData("1 2")]
    [InlineData("")]
    [InlineData("0123")]
    [InlineData("undefined")]
    public void Problem_NotRfc8259_SaysWhat(string body)
    {
        // Act
        string? problem = StrictJson.Problem(Encoding.UTF8.GetBytes(body));

        // Assert
        Assert.False(string.IsNullOrEmpty(problem), body);
    }

    [Theory]
    [InlineData("1234")]
    [InlineData("\"+14255550199\"")]
    [InlineData(" {\"a\": [1, 2.5e3, true, null, \"\\u0000\"]} \n")]
    public void Problem_Rfc8259_Null(string body)
    {
        // Act
        string? problem = StrictJson.Problem(Encoding.UTF8.GetBytes(body));

        // Assert
        Assert.Null(problem);
    }

    [Fact]
    public void Problem_DeeperThanLimit_SaysWhat()
    {
        // Arrange
        string deep = new string('[', StrictJson.MaxDepth + 1) + new string(']', StrictJson.MaxDepth + 1);

        // Act
        string? problem = StrictJson.Problem(Encoding.UTF8.GetBytes(deep));

        // Assert
        Assert.NotNull(problem);
    }
}
