namespace PgAllInOne.GrainInterfaces.Errors;

/// <summary>The addressed entity does not exist (HTTP 404).</summary>
[GenerateSerializer, Alias("pgaio.NotFoundException")]
public sealed class NotFoundException : InvalidOperationException
{
    public NotFoundException() { }

    public NotFoundException(string message) : base(message) { }

    public NotFoundException(string message, Exception inner) : base(message, inner) { }
}
