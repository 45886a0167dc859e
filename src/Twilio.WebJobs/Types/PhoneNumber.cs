namespace Twilio.Types;

/// <summary>
/// A phone number as Twilio's C# SDK models it (<c>Twilio.Types.PhoneNumber</c>), so sample code written against the
/// SDK compiles here. The value is kept as given; E.164 validation happens before a message is sent.
/// </summary>
public sealed class PhoneNumber : IEquatable<PhoneNumber>
{
    private readonly string number;

    /// <summary>Creates a phone number from its text, normally E.164 such as <c>+14255550123</c>.</summary>
    /// <param name="number">The number; null is kept as empty so validation can name the field that is missing.</param>
    public PhoneNumber(string number)
    {
        this.number = number ?? string.Empty;
    }

    /// <summary>Converts text to a <see cref="PhoneNumber"/>, as the SDK allows.</summary>
    /// <param name="number">The number.</param>
    public static implicit operator PhoneNumber(string number) => new(number);

    /// <summary>Returns the number as given.</summary>
    public override string ToString() => this.number;

    /// <inheritdoc />
    public bool Equals(PhoneNumber? other) => other is not null && string.Equals(this.number, other.number, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => this.Equals(obj as PhoneNumber);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(this.number);
}
