using Cdp.Core.Workflows;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Segments;

/// <summary>
/// Evaluates every profile of one shard at the workflow's time. Idempotent: a second run finds the standings it wrote
/// and changes nothing (the counts of a re-run cover only what that run changed).
/// </summary>
public sealed class RefreshShardActivity(IProfileScan scan, SegmentCatalog catalog, ProfileRefresher refresher, IOptions<SegmentCatalogOptions> options)
    : IActivity<ShardRefresh, SegmentRefreshCounts>
{
    public const string ActivityName = "RefreshSegmentShard";

    public string Name => ActivityName;

    public async Task<SegmentRefreshCounts> RunAsync(ShardRefresh input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);

        // Local stores answer synchronously, so without a yield a self-hosted runner would run this whole shard inside
        // its call and start the next shard only after it: the fan-out would use one core however many there are.
        await Task.Yield();

        // Definitions saved on any instance since the last reload take part in this refresh.
        await catalog.ReloadAsync(cancellationToken);
        var segments = catalog.Loaded;
        var plan = catalog.Current;
        var counts = SegmentRefreshCounts.Zero;
        string? continuation = null;
        do
        {
            var page = await scan.ReadAsync(input.Shard, options.Value.ScanPageSize, continuation, cancellationToken);
            counts = counts.Add(await refresher.RefreshPageAsync(page.ProfileIds, input.At, segments, plan, cancellationToken));
            continuation = page.Continuation;
        }
        while (continuation is not null);

        return counts;
    }
}
