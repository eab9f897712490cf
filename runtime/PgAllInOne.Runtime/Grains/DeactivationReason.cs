namespace PgAllInOne;

/// <summary>Why an activation is going away.</summary>
public enum DeactivationReason
{
    /// <summary>Idle longer than the configured collection age.</summary>
    Idle,

    /// <summary>The grain asked for it with <c>DeactivateOnIdle()</c>.</summary>
    Requested,

    /// <summary>The silo is shutting down.</summary>
    Shutdown,

    /// <summary>The grain's owner silo changed.</summary>
    Moved,
}
