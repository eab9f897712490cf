namespace PgAllInOne.Runtime.Activation;

internal enum EnqueueResult
{
    Accepted,

    /// <summary>The activation is going away: wait for it, then deliver to its successor.</summary>
    Deactivating,

    /// <summary>The activation is gone: deliver to a new one.</summary>
    Invalid,
}
