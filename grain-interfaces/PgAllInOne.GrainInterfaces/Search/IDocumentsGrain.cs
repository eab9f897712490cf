namespace PgAllInOne.GrainInterfaces.Search;

/// <summary>The searchable document store (a stateless worker: any key; documents are rows, not activations).</summary>
[Alias("pgaio.IDocumentsGrain")]
public interface IDocumentsGrain : IGrainWithStringKey
{
    /// <summary>Stores and indexes a document; returns its id.</summary>
    Task<long> Add(NewDocument document);

    /// <summary>The document, or null when there is none with this id.</summary>
    [ReadOnly]
    Task<DocumentView?> Get(long id);

    /// <summary>Replaces title, content, metadata and language, re-indexing it; null when there is none with this id.</summary>
    Task<DocumentView?> Replace(long id, NewDocument document);

    /// <summary>False when there was none with this id.</summary>
    Task<bool> Delete(long id);
}
