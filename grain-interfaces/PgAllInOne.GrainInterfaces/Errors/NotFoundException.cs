namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>The addressed entity does not exist (HTTP 404).</summary>
[GenerateSerializer, Alias("pgaio.NotFoundException")]
public sealed class NotFoundException : InvalidOperationException
{
    /// <inheritdoc />
    public NotFoundException() { }

    /// <inheritdoc />
    public NotFoundException(string message) : base(message) { }

    /// <inheritdoc />
    public NotFoundException(string message, Exception inner) : base(message, inner) { }
}
