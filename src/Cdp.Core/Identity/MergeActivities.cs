using Cdp.Core.Profiles;
using Cdp.Core.Workflows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Identity;

/// <summary>Resolves the requested profiles to live ones, checks the limits still allow the merge, picks the survivor.</summary>
public sealed class PlanMergeActivity(LiveProfiles live, IdentityGraph graph, IOptions<IdentityOptions> options) : IActivity<MergeRequest, MergePlan>
{
    public const string ActivityName = "PlanMerge";

    public string Name => ActivityName;

    public async Task<MergePlan> RunAsync(MergeRequest input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var profiles = new List<Profile>();
        foreach (var id in input.ProfileIds)
        {
            if (await live.ResolveAsync(id, cancellationToken) is { } read && !profiles.Exists(p => p.Id == read.Value.Id))
            {
                profiles.Add(read.Value);
            }
        }

        if (profiles.Count < 2)
        {
            return new MergePlan(null, [], "the profiles are already one");
        }

        // Identifiers may have been added since the merge was requested: the limits are checked again here.
        var rules = options.Value;
        var union = profiles.SelectMany(p => p.Identifiers).DistinctBy(i => i.IdentityId).ToList();
        foreach (var type in union.GroupBy(i => i.Type))
        {
            var limit = rules.RuleFor(type.Key).Limit;
            if (type.Count() > limit)
            {
                return new MergePlan(null, [], $"merging would give one person {type.Count()} {type.Key} identifiers (limit {limit})");
            }
        }

        if (union.Count > rules.MaxIdentifiersPerProfile)
        {
            return new MergePlan(null, [], $"merging would give one person {union.Count} identifiers (limit {rules.MaxIdentifiersPerProfile})");
        }

        var survivor = graph.ChooseSurvivor(profiles);
        return new MergePlan(survivor.Id, profiles.Where(p => p.Id != survivor.Id).Select(p => p.Id).Order(StringComparer.Ordinal).ToList(), null);
    }
}

/// <summary>
/// Points the loser at the survivor. From this write on, ingestion that reaches the loser follows it to the survivor.
/// Returns the step actually taken (ids resolved to live profiles), or null when they are one profile already.
/// </summary>
public sealed class TombstoneProfileActivity(LiveProfiles live, IProfileStore profiles, TimeProvider time) : IActivity<MergeStep, MergeStep?>
{
    public const string ActivityName = "TombstoneProfile";

    public string Name => ActivityName;

    public async Task<MergeStep?> RunAsync(MergeStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var survivor = await live.ResolveAsync(input.SurvivorId, cancellationToken)
            ?? throw new InvalidOperationException($"survivor {input.SurvivorId} does not exist");

        // A loser already tombstoned (by this merge before a crash, or by another merge) is found through its chain.
        var loserDoc = await profiles.GetAsync(input.LoserId, cancellationToken);
        if (loserDoc is null)
        {
            return null;
        }

        var loser = loserDoc.Value.Value.MergedInto is null ? loserDoc : await live.ResolveAsync(input.LoserId, cancellationToken);
        if (loser is null || loser.Value.Value.Id == survivor.Value.Id)
        {
            // Already one person: finish the steps for the original loser if this merge tombstoned it.
            return loserDoc.Value.Value.MergedInto is not null && await live.ResolveAsync(input.LoserId, cancellationToken) is { } end
                && end.Value.Id == survivor.Value.Id
                ? input with { SurvivorId = survivor.Value.Id }
                : null;
        }

        var tombstone = loser.Value.Value;
        tombstone.MergedInto = survivor.Value.Id;
        tombstone.History.Add(new ProfileHistoryEntry(time.GetUtcNow(), HistoryKinds.MergedInto,
            $"merged into {survivor.Value.Id} by {input.InstanceId}: {input.Reason}", survivor.Value.Id));
        await profiles.ReplaceAsync(tombstone, loser.Value.ETag, cancellationToken);

        // Two merges choosing opposite survivors at once would form a loop; undo ours and let the retry re-plan.
        if (await profiles.GetAsync(survivor.Value.Id, cancellationToken) is { Value.MergedInto: not null })
        {
            var mine = await profiles.GetAsync(tombstone.Id, cancellationToken);
            if (mine is { } current && await LeadsTo(current.Value.MergedInto, tombstone.Id, cancellationToken))
            {
                current.Value.MergedInto = null;
                await profiles.ReplaceAsync(current.Value, current.ETag, cancellationToken);
                throw new ConcurrencyConflictException($"merge {input.InstanceId} raced another merge over {tombstone.Id}; retrying");
            }
        }

        return input with { SurvivorId = survivor.Value.Id, LoserId = tombstone.Id };
    }

    private async Task<bool> LeadsTo(string? start, string target, CancellationToken ct)
    {
        var current = start;
        for (var hops = 0; current is not null && hops < 32; hops++)
        {
            if (current == target)
            {
                return true;
            }

            current = (await profiles.GetAsync(current, ct))?.Value.MergedInto;
        }

        return false;
    }
}

/// <summary>Folds the tombstoned loser's data into the live survivor (survivorship rules); idempotent through the history.</summary>
public sealed class FoldProfileActivity(LiveProfiles live, IProfileStore profiles, ProfileMerger merger, TimeProvider time) : IActivity<MergeStep, bool>
{
    public const string ActivityName = "FoldProfile";

    public string Name => ActivityName;

    public async Task<bool> RunAsync(MergeStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var loser = await profiles.GetAsync(input.LoserId, cancellationToken)
            ?? throw new InvalidOperationException($"loser {input.LoserId} does not exist");
        for (var attempt = 1; ; attempt++)
        {
            var survivor = await live.ResolveAsync(input.SurvivorId, cancellationToken)
                ?? throw new InvalidOperationException($"survivor {input.SurvivorId} does not exist");
            if (ProfileMerger.HasMerged(survivor.Value, loser.Value.Id))
            {
                return false;
            }

            merger.Merge(survivor.Value, loser.Value, time.GetUtcNow(), $"{input.InstanceId}: {input.Reason}");
            survivor.Value.Version++;
            survivor.Value.UpdatedAt = time.GetUtcNow();
            try
            {
                await profiles.ReplaceAsync(survivor.Value, survivor.ETag, cancellationToken);
                return true;
            }
            catch (ConcurrencyConflictException) when (attempt < 20)
            {
                // Ingestion wrote the survivor meanwhile: read it again and fold again.
            }
        }
    }
}

/// <summary>Moves every identity link of the loser to the survivor.</summary>
public sealed class RepointIdentitiesActivity(LiveProfiles live, IProfileStore profiles, IIdentityIndex identities, TimeProvider time)
    : IActivity<MergeStep, int>
{
    public const string ActivityName = "RepointIdentities";

    public string Name => ActivityName;

    public async Task<int> RunAsync(MergeStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var loser = await profiles.GetAsync(input.LoserId, cancellationToken);
        var survivor = await live.ResolveAsync(input.SurvivorId, cancellationToken);
        if (loser is null || survivor is null)
        {
            return 0;
        }

        var moved = 0;
        foreach (var id in loser.Value.Value.Identifiers)
        {
            for (var attempt = 1; ; attempt++)
            {
                var link = await identities.GetAsync(id.IdentityId, cancellationToken);
                if (link is null || link.Value.Value.ProfileId != input.LoserId)
                {
                    break;
                }

                try
                {
                    await identities.ReplaceAsync(link.Value.Value with { ProfileId = survivor.Value.Value.Id, LastSeen = time.GetUtcNow() },
                        link.Value.ETag, cancellationToken);
                    moved++;
                    break;
                }
                catch (ConcurrencyConflictException) when (attempt < 10)
                {
                }
            }
        }

        return moved;
    }
}

/// <summary>Copies the loser's timeline into the survivor's partition, then drops the loser's.</summary>
public sealed class MoveTimelineActivity(LiveProfiles live, ITimelineStore timeline) : IActivity<MergeStep, int>
{
    public const string ActivityName = "MoveTimeline";
    private const int PageSize = 500;

    public string Name => ActivityName;

    public async Task<int> RunAsync(MergeStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var survivor = await live.ResolveAsync(input.SurvivorId, cancellationToken);
        if (survivor is null)
        {
            return 0;
        }

        var moved = 0;
        string? token = null;
        do
        {
            var page = await timeline.GetPageAsync(input.LoserId, PageSize, token, cancellationToken);
            if (page.Events.Count > 0)
            {
                await timeline.AppendAsync(survivor.Value.Value.Id,
                    page.Events.Select(e => e with { ProfileId = survivor.Value.Value.Id }).ToList(), cancellationToken);
                moved += page.Events.Count;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        await timeline.DeleteAllAsync(input.LoserId, cancellationToken);
        return moved;
    }
}

/// <summary>Leaves the loser as a bare redirect: its data lives on in the survivor, raw identifiers only there.</summary>
public sealed class StripTombstoneActivity(IProfileStore profiles) : IActivity<MergeStep, bool>
{
    public const string ActivityName = "StripTombstone";

    public string Name => ActivityName;

    public async Task<bool> RunAsync(MergeStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var loser = await profiles.GetAsync(input.LoserId, cancellationToken);
        if (loser is not { Value.MergedInto: not null } tombstone || tombstone.Value.Identifiers.Count == 0 && tombstone.Value.Traits.Count == 0)
        {
            return false;
        }

        var stripped = new Profile
        {
            Id = tombstone.Value.Id,
            CreatedAt = tombstone.Value.CreatedAt,
            UpdatedAt = tombstone.Value.UpdatedAt,
            MergedInto = tombstone.Value.MergedInto,
            History = tombstone.Value.History,
            Version = tombstone.Value.Version + 1,
        };
        await profiles.ReplaceAsync(stripped, tombstone.ETag, cancellationToken);
        return true;
    }
}

/// <summary>Starts merges on the workflow engine the host runs (the local journaled runner).</summary>
public sealed class WorkflowMergeScheduler(IWorkflowClient workflows) : IMergeScheduler
{
    public Task ScheduleAsync(MergeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return workflows.StartAsync(MergeWorkflow.WorkflowName, request.InstanceId, request, cancellationToken);
    }
}

internal static partial class MergeLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Merge {InstanceId} not done: {Reason}")]
    public static partial void Refused(ILogger logger, string instanceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Merge {InstanceId} folded {Count} profile(s) into {SurvivorId}")]
    public static partial void Merged(ILogger logger, string instanceId, string survivorId, int count);
}
