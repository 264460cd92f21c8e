using Cdp.Core.Workflows;

namespace Cdp.Core.Segments;

/// <summary>Lists the shards of the profile store once per refresh, so the fan-out is fixed in the workflow's history.</summary>
public sealed class ListProfileShardsActivity(IProfileScan scan) : IActivity<SegmentRefreshRequest, List<string>>
{
    public const string ActivityName = "ListProfileShards";

    public string Name => ActivityName;

    public async Task<List<string>> RunAsync(SegmentRefreshRequest input, CancellationToken cancellationToken) =>
        [.. await scan.ListShardsAsync(cancellationToken)];
}
