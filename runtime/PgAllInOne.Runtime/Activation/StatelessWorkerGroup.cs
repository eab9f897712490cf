using PgAllInOne.Runtime.Invocation;

namespace PgAllInOne.Runtime.Activation;

/// <summary>The local activations of one stateless worker grain: a call goes to an idle one, or a new one up to the limit.</summary>
internal sealed class StatelessWorkerGroup(GrainId id, GrainClassInfo grainClass, Catalog catalog)
{
    private readonly List<ActivationData> workers = [];

    public void Deliver(Invocation.Invocation invocation)
    {
        lock (workers)
        {
            while (true)
            {
                var target = PickWorker();
                if (target.TryEnqueue(invocation) == EnqueueResult.Accepted)
                {
                    return;
                }

                workers.Remove(target);
            }
        }
    }

    public void Remove(ActivationData worker)
    {
        lock (workers)
        {
            workers.Remove(worker);
        }
    }

    public ActivationData[] Snapshot()
    {
        lock (workers)
        {
            return [.. workers];
        }
    }

    private ActivationData PickWorker()
    {
        ActivationData? leastLoaded = null;
        var lowest = int.MaxValue;
        foreach (var worker in workers)
        {
            var load = worker.Load;
            if (load == 0)
            {
                return worker;
            }

            if (load < lowest)
            {
                lowest = load;
                leastLoaded = worker;
            }
        }

        if (leastLoaded is not null && workers.Count >= grainClass.MaxLocalWorkers)
        {
            return leastLoaded;
        }

        var created = new ActivationData(id, grainClass, catalog, this);
        workers.Add(created);
        return created;
    }
}
