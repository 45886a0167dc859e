using System.Reflection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Durable.Core.Tests.Engine;

/// <summary>The engine's log lines keep fixed event ids that tell them apart.</summary>
public sealed class LogsTests
{
    [Fact]
    public void EventIds_EveryLogLine_Distinct()
    {
        // Arrange
        List<(string Method, int EventId)> lines = [.. typeof(Logs)
            .GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => (m.Name, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => (m.Name, m.Attribute!.EventId))];

        // Act
        List<string> shared = [.. lines.GroupBy(l => l.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(l => l.Method))}")];

        // Assert
        Assert.NotEmpty(lines);
        Assert.Empty(shared);
    }
}
