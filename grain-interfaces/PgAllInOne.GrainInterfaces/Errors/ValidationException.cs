namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>Input that breaks a rule; the message says which field and why (HTTP 400).</summary>
[GenerateSerializer, Alias("pgaio.ValidationException")]
public sealed class ValidationException : ArgumentException
{
    /// <inheritdoc />
    public ValidationException() { }

    /// <inheritdoc />
    public ValidationException(string message) : base(message) { }

    /// <inheritdoc />
    public ValidationException(string message, Exception inner) : base(message, inner) { }
}
