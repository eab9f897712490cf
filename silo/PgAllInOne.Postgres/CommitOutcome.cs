namespace PgAllInOne.Postgres;

/// <summary>What the commit log answered about a group commit whose answer was lost.</summary>
public enum CommitOutcome
{
    /// <summary>It committed: its callers get their results.</summary>
    Committed,

    /// <summary>It did not commit, and never will: its callers get the failure, nothing was stored.</summary>
    NotCommitted,

    /// <summary>The database did not answer in time: its writes may or may not be stored.</summary>
    Unknown,
}
