using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Storage;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.OrleansExtensions.DatabaseFailures;

namespace PgAllInOne.Grains.Analytics;

/// <summary>
/// One analytic query's cached result. Requests take turns, so concurrent identical ones wait for the first
/// computation and are then served from memory. The last result is the grain's state, so it outlives the activation
/// (until its TTL or an invalidation); Redis, when configured, shares results across silos before any is computed here.
/// The saved copy is only a cache: while it cannot be read (the primary is away, as in a failover) the query is
/// answered from the OLAP workers, which read standbys, and that answer is not cached; a failed write loses the copy.
/// </summary>
public sealed class QueryCacheGrain(
    [FromKeyedServices(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME)] IGrainStorage storage,
    QueryCacheGeneration generations,
    SharedResultCache shared,
    IOptions<AnalyticsOptions> options,
    IOptions<ClusterOptions> cluster,
    [FromKeyedServices(DataClock.Key)] TimeProvider time) : Grain, IQueryCacheGrain
{
    // The state's name as [PersistentState("result")] gave it, so that results saved before still load.
    private const string StateName = "result";

    private readonly GrainState<CachedResultState> saved = new(new CachedResultState());
    private AnalyticsResult? result;
    private Task saving = Task.CompletedTask;
    private CacheGeneration resultGeneration;
    private bool loaded;

    // The saved copy is read here rather than by Orleans' [PersistentState], whose failed read fails the activation, and
    // with it every request, while there is no primary.
    public override Task OnActivateAsync(CancellationToken cancellationToken) => TryLoadAsync();

    public async Task<CachedAnalytics> Get(AnalyticsQuery query)
    {
        query = query.Normalize();
        if (query.CacheKey() != this.GetPrimaryKeyString())
        {
            throw new ValidationException("The query does not belong to this cache entry; use its CacheKey() as the grain key.");
        }

        var ttl = options.Value.CacheTtl;
        var generation = generations.Current;
        if (Fresh(generation, ttl) is { } kept)
        {
            GrainsTelemetry.Hit("memory");
            return new CachedAnalytics(kept, Hit: true);
        }

        result = null;
        var redisKey = $"pgaio:{cluster.Value.ClusterId}:analytics:{generation.Shared}:{this.GetPrimaryKeyString()}";
        if (await shared.TryGetAsync(redisKey) is { } sharedResult)
        {
            Keep(sharedResult, generation);
            GrainsTelemetry.Hit("redis");
            return new CachedAnalytics(sharedResult, Hit: true);
        }

        // Not read at activation: a saved result may be there now.
        if (!loaded && await TryLoadAsync() && Fresh(generation, ttl) is { } loadedResult)
        {
            GrainsTelemetry.Hit("memory");
            return new CachedAnalytics(loadedResult, Hit: true);
        }

        GrainsTelemetry.CacheMisses.Add(1);
        var computed = await ComputeAsync(query);

        // An invalidation while computing: the rows read may predate it, so the result is answered but not kept. Nor is
        // one computed while the saved copy is unknown (its version is needed to replace it). With a zero TTL no result
        // is ever served again: nothing to keep, save or share.
        if (loaded && generations.Current == generation && ttl > TimeSpan.Zero)
        {
            Keep(computed, generation);

            // One state write at a time: while the last is still under way (the database slow or away), this result is
            // kept in memory only.
            if (saving.IsCompleted)
            {
                saved.State = new CachedResultState { Result = computed, Generation = generation.Shared };
                saving = SaveAsync();
            }

            shared.TrySet(redisKey, computed, ttl);
        }

        return new CachedAnalytics(computed, Hit: false);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => saving;

    // Reads the saved copy; false when the database cannot be reached (it is read again on the next miss).
    private async Task<bool> TryLoadAsync()
    {
        try
        {
            await storage.ReadStateAsync(StateName, this.GetGrainId(), saved);
        }
        catch (Exception exception) when (DatabaseFailure.IsTransientWithin(exception))
        {
            return false;
        }

        loaded = true;

        // A result computed before an invalidation carries an older cluster generation and is not taken.
        var generation = generations.Current;
        if (saved.State?.Result is { } last && saved.State.Generation == generation.Shared)
        {
            Keep(last, generation);
        }

        return true;
    }

    // The saved copy only serves a later activation: the answer does not wait for it, and a failed write loses a cache
    // entry, never the answer.
    private async Task SaveAsync()
    {
        await Task.Yield(); // the rest runs as a turn of its own, after this one has answered
        try
        {
            await storage.WriteStateAsync(StateName, this.GetGrainId(), saved);
        }
        catch (Exception exception) when (exception is InconsistentStateException || DatabaseFailure.IsTransientWithin(exception) || DatabaseFailure.IsOutcomeUnknownWithin(exception))
        {
            // The result stays in memory. The stored version may now differ from ours (written by another activation, or
            // this write committed unseen): the next miss reads the saved copy again before saving.
            loaded = false;
        }
    }

    private AnalyticsResult? Fresh(CacheGeneration generation, TimeSpan ttl) =>
        result is not null && resultGeneration == generation && time.GetUtcNow() < result.ComputedAt + ttl ? result : null;

    private void Keep(AnalyticsResult value, CacheGeneration generation) => (result, resultGeneration) = (value, generation);

    private async Task<AnalyticsResult> ComputeAsync(AnalyticsQuery query)
    {
        var computedAt = time.GetUtcNow();
        var slices = SlicePlanner.Plan(query, options.Value.MaxSlices);
        var worker = GrainFactory.GetGrain<IOlapWorker>("olap");
        if (query.Kind == AnalyticsKind.Events)
        {
            var partials = await Task.WhenAll(slices.Select(s => worker.AggregateEvents(query, s.From, s.To)));
            return new AnalyticsResult(PartialMerge.Events(query, partials), [], computedAt);
        }

        var metricPartials = await Task.WhenAll(slices.Select(s => worker.AggregateMetrics(query, s.From, s.To)));
        return new AnalyticsResult([], PartialMerge.Metrics(query, metricPartials), computedAt);
    }
}
