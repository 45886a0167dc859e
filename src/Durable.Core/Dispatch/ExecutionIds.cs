namespace Durable.Core.Dispatch;

/// <summary>Execution and instance ids in Durable Functions' format: 32 lowercase hex digits.</summary>
internal static class ExecutionIds
{
    public static string New() => Guid.NewGuid().ToString("N");
}
