namespace PgAllInOne.Silo;

/// <summary>A <c>Key_FILE</c> setting names a file that cannot be read: the silo does not start.</summary>
public sealed class SecretFileException(string message, Exception inner) : Exception(message, inner);
