namespace Durable.Core.Client;

/// <summary>Instance id rules of Durable Functions: at most 256 characters, no leading '@', no / \ # ? or control characters.</summary>
public static class InstanceIds
{
    /// <summary>Longest allowed id.</summary>
    public const int MaxLength = 256;

    /// <summary>A new id: 32 lowercase hex digits.</summary>
    public static string New() => Guid.NewGuid().ToString("N");

    /// <summary>Null when <paramref name="instanceId"/> is valid, else what is wrong with it.</summary>
    public static string? Validate(string? instanceId)
    {
        if (string.IsNullOrWhiteSpace(instanceId))
        {
            return "The instance id must not be empty.";
        }

        if (instanceId.Length > MaxLength)
        {
            return $"The instance id must be at most {MaxLength} characters long.";
        }

        if (instanceId[0] == '@')
        {
            return "The instance id must not start with '@'.";
        }

        foreach (char c in instanceId)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                return "The instance id must not contain '/', '\\', '#', '?' or control characters.";
            }
        }

        return null;
    }
}
