using Microsoft.Azure.WebJobs.Host.Bindings;

namespace Durable.WebJobs.Bindings;

/// <summary>Hands an already converted trigger value to the function parameter.</summary>
internal sealed class ObjectValueProvider : IValueProvider
{
    private readonly object? value;

    public ObjectValueProvider(object? value, Type type)
    {
        this.value = value;
        this.Type = type;
    }

    public Type Type { get; }

    public Task<object?> GetValueAsync() => Task.FromResult(this.value);

    public string ToInvokeString() => this.value?.ToString() ?? string.Empty;
}
