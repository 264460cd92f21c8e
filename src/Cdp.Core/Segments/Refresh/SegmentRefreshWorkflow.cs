using Cdp.Core.Workflows;
using Microsoft.Extensions.Logging;

namespace Cdp.Core.Segments;

/// <summary>
/// The scheduled refresh (ADR 0013): lists the profile store's shards, evaluates each shard in its own activity (fan-out,
/// fan-in) at the workflow's time, and adds up what changed. It catches what incremental evaluation cannot: exits caused
/// by time passing, changed or deleted definitions, and index rows a crash left behind.
/// </summary>
public sealed class SegmentRefreshWorkflow : IWorkflow<SegmentRefreshRequest, SegmentRefreshCounts>
{
    /// <summary>The workflow's (and, in Azure, the orchestrator function's) name.</summary>
    public const string WorkflowName = "SegmentRefresh";

    /// <summary>Store calls fail transiently (throttling); a shard re-run is harmless.</summary>
    public static readonly ActivityRetry Retry = new(5, TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromSeconds(30));

    /// <summary>
    /// The activity that writes the file destinations' member files once the shards are done. It lives with the
    /// destinations (which depend on segments, not the reverse), so the workflow calls it by this name.
    /// </summary>
    public const string MemberFilesActivityName = "WriteMemberFiles";

    public string Name => WorkflowName;

    public async Task<SegmentRefreshCounts> RunAsync(IOrchestrationContext context, SegmentRefreshRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var at = context.CurrentUtcDateTime;
        var shards = await context.CallActivityAsync<List<string>>(ListProfileShardsActivity.ActivityName, input, Retry);
        var runs = shards.Select(shard =>
            context.CallActivityAsync<SegmentRefreshCounts>(RefreshShardActivity.ActivityName, new ShardRefresh(shard, at), Retry));
        var counts = (await Task.WhenAll(runs)).Aggregate(SegmentRefreshCounts.Zero, (sum, shard) => sum.Add(shard));
        await context.CallActivityAsync<int>(MemberFilesActivityName, new MemberFilesStep(at), Retry);
        RefreshLog.Done(context.CreateReplaySafeLogger(nameof(SegmentRefreshWorkflow)), context.InstanceId, input.Trigger, shards.Count,
            counts.Evaluated, counts.Entered, counts.Exited, counts.Written, counts.FilteredByConsent);
        return counts;
    }
}

internal static partial class RefreshLog
{
    [LoggerMessage(Level = LogLevel.Information, Message =
        "Segment refresh {InstanceId} ({Trigger}) over {Shards} shard(s): {Evaluated} evaluated, {Entered} entered, {Exited} exited, {Written} written, {Filtered} held back by consent")]
    public static partial void Done(
        ILogger logger, string instanceId, string trigger, int shards, long evaluated, long entered, long exited, long written, long filtered);
}
