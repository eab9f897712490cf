using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using PgAllInOne.GrainInterfaces.Analytics;
using PgAllInOne.GrainInterfaces.Errors;
using PgAllInOne.OrleansExtensions.DatabaseFailures;

namespace PgAllInOne.Grains.Analytics;

/// <summary>
/// One analytic query's cached result. Requests take turns, so concurrent identical ones wait for the first
/// computation and are then served from memory. The last result is the grain's state, so it outlives the activation
/// (until its TTL or an invalidation); Redis, when configured, shares results across silos before any is computed here.
/// </summary>
public sealed class QueryCacheGrain(
    [PersistentState("result")] IPersistentState<CachedResultState> saved,
    QueryCacheGeneration generations,
    SharedResultCache shared,
    IOptions<AnalyticsOptions> options,
    IOptions<ClusterOptions> cluster,
    [FromKeyedServices(DataClock.Key)] TimeProvider time) : Grain, IQueryCacheGrain
{
    private AnalyticsResult? result;
    private Task saving = Task.CompletedTask;
    private CacheGeneration resultGeneration;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A result computed before an invalidation carries an older cluster generation and is not taken.
        var generation = generations.Current;
        if (saved.State.Result is { } last && saved.State.Generation == generation.Shared)
        {
            Keep(last, generation);
        }

        return Task.CompletedTask;
    }

    public async Task<CachedAnalytics> Get(AnalyticsQuery query)
    {
        query = query.Normalize();
        if (query.CacheKey() != this.GetPrimaryKeyString())
        {
            throw new ValidationException("The query does not belong to this cache entry; use its CacheKey() as the grain key.");
        }

        var ttl = options.Value.CacheTtl;
        var generation = generations.Current;
        if (result is not null && resultGeneration == generation && time.GetUtcNow() < result.ComputedAt + ttl)
        {
            GrainsTelemetry.Hit("memory");
            return new CachedAnalytics(result, Hit: true);
        }

        result = null;
        var redisKey = $"pgaio:{cluster.Value.ClusterId}:analytics:{generation.Shared}:{this.GetPrimaryKeyString()}";
        if (await shared.TryGetAsync(redisKey) is { } sharedResult)
        {
            Keep(sharedResult, generation);
            GrainsTelemetry.Hit("redis");
            return new CachedAnalytics(sharedResult, Hit: true);
        }

        GrainsTelemetry.CacheMisses.Add(1);
        await saving; // one state write at a time
        var computed = await ComputeAsync(query);

        // An invalidation while computing: the rows read may predate it, so the result is answered but not kept. With a
        // zero TTL no result is ever served again: nothing to keep, save or share.
        if (generations.Current == generation && ttl > TimeSpan.Zero)
        {
            Keep(computed, generation);
            saved.State = new CachedResultState { Result = computed, Generation = generation.Shared };
            saving = SaveAsync();
            shared.TrySet(redisKey, computed, ttl);
        }

        return new CachedAnalytics(computed, Hit: false);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => saving;

    // The saved copy only serves a later activation: the answer does not wait for it, and a failed write loses a cache
    // entry, never the answer.
    private async Task SaveAsync()
    {
        await Task.Yield(); // the rest runs as a turn of its own, after this one has answered
        try
        {
            await saved.WriteStateAsync();
        }
        catch (Exception exception) when (exception is InconsistentStateException || DatabaseFailure.IsTransientWithin(exception) || DatabaseFailure.IsOutcomeUnknownWithin(exception))
        {
            // The result stays in memory; the next miss saves again.
        }
    }

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
