using System.Reflection;
using Durable.Core.Client;
using Durable.Core.History;

namespace Durable.Core.Tests.Engine;

/// <summary>
/// The engine's client reports payloads as the JSON text it stored and history as typed events: presenting them (JSON
/// tokens, Durable Functions' history shape) is the job of the fronts in Durable.WebJobs.
/// </summary>
public sealed class ClientStatusTests
{
    [Fact]
    public async Task GetStatusAsync_ShowHistory_StoredEventsAndJsonText()
    {
        // Arrange
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f.AddOrchestrator("Echo", ctx =>
        {
            ctx.SetCustomStatus(new { step = "done" });
            return Task.FromResult(ctx.GetInput<int[]>()!.Sum());
        }));
        string id = await harness.Client.StartNewAsync("Echo", null, new[] { 1, 2 });
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Act
        OrchestrationMetadata status = (await harness.Client.GetStatusAsync(id, showHistory: true))!;

        // Assert: the text as stored, and every stored event, episode markers included (a front drops them).
        Assert.Equal("[1,2]", status.InputJson);
        Assert.Equal("3", status.OutputJson);
        Assert.Equal("{\"step\":\"done\"}", status.CustomStatusJson);
        Assert.Contains(status.History!, e => e.EventType == EventType.OrchestratorStarted);
        Assert.Equal("[1,2]", status.History!.Single(e => e.EventType == EventType.ExecutionStarted).Input);
    }

    [Fact]
    public async Task GetStatusAsync_WithoutInputOrHistory_NeitherRead()
    {
        // Arrange
        await using EngineHarness harness = await EngineHarness.StartAsync(f => f.AddOrchestrator("Echo", ctx => Task.FromResult(ctx.GetInput<string>())));
        string id = await harness.Client.StartNewAsync("Echo", null, "secret-ish");
        await harness.WaitForStatusAsync(id, OrchestrationStatus.Completed);

        // Act
        OrchestrationMetadata status = (await harness.Client.GetStatusAsync(id, showInput: false))!;

        // Assert
        Assert.Null(status.InputJson);
        Assert.Null(status.History);
        Assert.Equal("\"secret-ish\"", status.OutputJson);
    }

    [Fact]
    public void ClientTypes_PublicMembers_NoJsonTokens()
    {
        // Arrange
        Type[] clientTypes = [.. typeof(DurableClient).Assembly.GetExportedTypes().Where(t => t.Namespace == typeof(DurableClient).Namespace)];
        const BindingFlags members = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

        // Act: every type the client's public members take or give.
        string[] tokens = [.. clientTypes
            .SelectMany(t => t.GetProperties(members).Select(p => (Member: $"{t.Name}.{p.Name}", Type: p.PropertyType))
                .Concat(t.GetMethods(members).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType).Select(type => (Member: $"{t.Name}.{m.Name}", Type: type)))))
            .Where(x => IsJsonToken(x.Type))
            .Select(x => $"{x.Member}: {x.Type.Name}")];

        // Assert
        Assert.Contains(typeof(OrchestrationMetadata), clientTypes);
        Assert.Empty(tokens);
    }

    private static bool IsJsonToken(Type type) =>
        type.Namespace == "Newtonsoft.Json.Linq" || type.GenericTypeArguments.Any(IsJsonToken) || (type.HasElementType && IsJsonToken(type.GetElementType()!));
}
