namespace PgAllInOne.GrainInterfaces.Search;

/// <summary>Adds documents to the searchable store (a stateless worker: any key).</summary>
public interface IDocumentsGrain : IGrainWithStringKey
{
    /// <summary>Stores and indexes a document; returns its id.</summary>
    Task<long> Add(NewDocument document);
}
