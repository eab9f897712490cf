namespace PgAllInOne.Runtime.Invocation;

/// <summary>The result type of grain methods that return a bare Task or ValueTask.</summary>
public readonly struct VoidResult;
