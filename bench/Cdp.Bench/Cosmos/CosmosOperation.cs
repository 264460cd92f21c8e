namespace Cdp.Bench.Cosmos;

/// <summary>
/// The requests an adapter sends through the Cosmos DB SDK, each counted as one operation: what is billed per
/// request (a point read, a write, one page of a query, one ReadMany, one transactional batch) rather than per item.
/// </summary>
internal enum CosmosOperation
{
    PointRead,
    Create,
    Upsert,
    Replace,
    Patch,
    Delete,
    ReadMany,
    QueryPage,
    Batch,
}

/// <summary>Operations counted by kind, and the items the multi-item ones (ReadMany, batches) carried.</summary>
internal sealed class CosmosOperationCounts
{
    private readonly long[] _counts = new long[Enum.GetValues<CosmosOperation>().Length];
    private long _readManyItems;
    private long _batchItems;

    public long Total => _counts.Sum();

    public long ReadManyItems => Interlocked.Read(ref _readManyItems);

    public long BatchItems => Interlocked.Read(ref _batchItems);

    public long this[CosmosOperation operation] => Interlocked.Read(ref _counts[(int)operation]);

    // Adapters write in parallel (dedup and suppression use Parallel.ForEachAsync), so counts are interlocked.
    public void Add(CosmosOperation operation, int items = 1)
    {
        Interlocked.Increment(ref _counts[(int)operation]);
        if (operation == CosmosOperation.ReadMany)
        {
            Interlocked.Add(ref _readManyItems, items);
        }
        else if (operation == CosmosOperation.Batch)
        {
            Interlocked.Add(ref _batchItems, items);
        }
    }

    public void Reset()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            Interlocked.Exchange(ref _counts[i], 0);
        }

        Interlocked.Exchange(ref _readManyItems, 0);
        Interlocked.Exchange(ref _batchItems, 0);
    }
}
