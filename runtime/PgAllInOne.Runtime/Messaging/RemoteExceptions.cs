namespace PgAllInOne.Runtime.Messaging;

/// <summary>Rebuilds a remote exception from its type name and message when that type can be made from a message alone.</summary>
internal static class RemoteExceptions
{
    public static Exception Recreate(string typeName, string message)
    {
        var type = Type.GetType(typeName) ?? AppDomain.CurrentDomain.GetAssemblies()
            .Select(assembly => assembly.GetType(typeName))
            .FirstOrDefault(found => found is not null);
        if (type is not null && typeof(Exception).IsAssignableFrom(type) && type.GetConstructor([typeof(string)]) is { } constructor)
        {
            return (Exception)constructor.Invoke([message]);
        }

        return new RemoteGrainException(typeName, message);
    }
}
