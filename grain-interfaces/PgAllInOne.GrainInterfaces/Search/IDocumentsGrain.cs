using PgAllInOne.GrainInterfaces.Idempotency;

namespace PgAllInOne.GrainInterfaces.Search;

/// <summary>The searchable document store (a stateless worker: any key; documents are rows, not activations).</summary>
[Alias("pgaio.IDocumentsGrain")]
public interface IDocumentsGrain : IGrainWithStringKey
{
    /// <summary>Stores and indexes a document; returns its id. With an idempotency key, a repeat of the key returns the first id.</summary>
    Task<long> Add(NewDocument document, IdempotencyKey? idempotencyKey = null);

    /// <summary>The document, or null when there is none with this id.</summary>
    [ReadOnly]
    Task<DocumentView?> Get(long id);

    /// <summary>Replaces title, content, metadata and language, re-indexing it; null when there is none with this id.</summary>
    Task<DocumentView?> Replace(long id, NewDocument document);

    /// <summary>False when there was none with this id.</summary>
    Task<bool> Delete(long id);
}
