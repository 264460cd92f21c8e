using Cdp.Core.Workflows;
using Microsoft.Extensions.Logging;

namespace Cdp.Core.Identity;

/// <summary>The survivor and the profiles to fold into it, decided once at the start of a merge.</summary>
public sealed record MergePlan(string? SurvivorId, IReadOnlyList<string> LoserIds, string? Refusal);

/// <summary>One loser folded into one survivor, within merge <see cref="InstanceId"/>.</summary>
public sealed record MergeStep(string SurvivorId, string LoserId, string InstanceId, string Reason);

/// <summary>What a merge did.</summary>
public sealed record MergeOutcome(string? SurvivorId, IReadOnlyList<string> Merged, string? Refusal);

/// <summary>
/// Merges profiles found to be one person. Each loser is tombstoned first (so ingestion follows it to the
/// survivor from then on), then folded into the survivor, its identities re-pointed, its timeline moved, and
/// finally stripped to a bare redirect. Every step is idempotent and re-resolves live ids, so concurrent merges
/// and crashes at any point end in one live profile.
/// </summary>
public sealed class MergeWorkflow : IWorkflow<MergeRequest, MergeOutcome>
{
    /// <summary>The workflow's (and, in Azure, the orchestrator function's) name.</summary>
    public const string WorkflowName = "MergeProfiles";

    /// <summary>Store calls fail transiently (throttling, a lost ETag race that outlasted the activity's own retries).</summary>
    public static readonly ActivityRetry Retry = new(5, TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromSeconds(30));

    public string Name => WorkflowName;

    public async Task<MergeOutcome> RunAsync(IOrchestrationContext context, MergeRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var log = context.CreateReplaySafeLogger(nameof(MergeWorkflow));
        var plan = await context.CallActivityAsync<MergePlan>(PlanMergeActivity.ActivityName, input, Retry);
        if (plan.SurvivorId is null)
        {
            MergeLog.Refused(log, context.InstanceId, plan.Refusal ?? "nothing to merge");
            return new MergeOutcome(null, [], plan.Refusal);
        }

        var merged = new List<string>();
        foreach (var loserId in plan.LoserIds)
        {
            var step = new MergeStep(plan.SurvivorId, loserId, context.InstanceId, input.Reason);
            var effective = await context.CallActivityAsync<MergeStep?>(TombstoneProfileActivity.ActivityName, step, Retry);
            if (effective is null)
            {
                continue;
            }

            await context.CallActivityAsync<bool>(FoldProfileActivity.ActivityName, effective, Retry);
            await context.CallActivityAsync<int>(RepointIdentitiesActivity.ActivityName, effective, Retry);
            await context.CallActivityAsync<int>(MoveTimelineActivity.ActivityName, effective, Retry);
            await context.CallActivityAsync<bool>(StripTombstoneActivity.ActivityName, effective, Retry);
            merged.Add(effective.LoserId);
        }

        MergeLog.Merged(log, context.InstanceId, plan.SurvivorId, merged.Count);
        return new MergeOutcome(plan.SurvivorId, merged, null);
    }
}

internal static partial class MergeLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Merge {InstanceId} not done: {Reason}")]
    public static partial void Refused(ILogger logger, string instanceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Merge {InstanceId} folded {Count} profile(s) into {SurvivorId}")]
    public static partial void Merged(ILogger logger, string instanceId, string survivorId, int count);
}
