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
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TombstoneAsync(input, cancellationToken);
            }
            catch (ConcurrencyConflictException) when (attempt < 20)
            {
                // Ingestion or another merge wrote one of the profiles meanwhile: resolve again and retry.
            }
        }
    }

    private async Task<MergeStep?> TombstoneAsync(MergeStep input, CancellationToken cancellationToken)
    {
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
public sealed class FoldProfileActivity(LiveProfiles live, IProfileStore profiles, ProfileMerger merger, IOptions<IdentityOptions> options, TimeProvider time)
    : IActivity<MergeStep, bool>
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

            var incoming = MergeLimits.Trim(survivor.Value, loser.Value, options.Value, time.GetUtcNow());
            merger.Merge(survivor.Value, incoming, time.GetUtcNow(), $"{input.InstanceId}: {input.Reason}");
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

internal static class MergeLimits
{
    /// <summary>
    /// The loser as it may be folded in: identifiers the survivor gained since the merge was planned (by concurrent
    /// ingestion) take precedence, and the loser's identifiers that would break a limit stay behind.
    /// </summary>
    public static Profile Trim(Profile survivor, Profile loser, IdentityOptions rules, DateTimeOffset at)
    {
        var counts = survivor.Identifiers.GroupBy(i => i.Type).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var total = survivor.Identifiers.Count;
        var kept = new List<ProfileIdentifier>(loser.Identifiers.Count);
        var history = new List<ProfileHistoryEntry>();
        foreach (var id in loser.Identifiers)
        {
            if (survivor.Identifiers.Exists(i => i.IdentityId == id.IdentityId))
            {
                kept.Add(id);
                continue;
            }

            var limit = rules.RuleFor(id.Type).Limit;
            if (counts.GetValueOrDefault(id.Type) >= limit || total >= rules.MaxIdentifiersPerProfile)
            {
                history.Add(new ProfileHistoryEntry(at, HistoryKinds.IdentifierDropped,
                    $"not merged in from {loser.Id}: the person already has the limit of {limit} {id.Type} identifier(s)", loser.Id, id.IdentityId));
                continue;
            }

            counts[id.Type] = counts.GetValueOrDefault(id.Type) + 1;
            total++;
            kept.Add(id);
        }

        return history.Count == 0 ? loser : loser with { Identifiers = kept, History = [.. loser.History, .. history] };
    }
}

/// <summary>Moves the loser's identity links to the survivor; links of identifiers the survivor did not take are removed.</summary>
public sealed class RepointIdentitiesActivity(LiveProfiles live, IProfileStore profiles, IIdentityIndex identities, TimeProvider time)
    : IActivity<MergeStep, int>
{
    public const string ActivityName = "RepointIdentities";

    public string Name => ActivityName;

    /// <summary>
    /// Reconciles each of the loser's identifiers with the survivor: links to the loser move to the survivor (or go,
    /// when the survivor did not take the identifier); a missing link is created; an identifier a concurrent
    /// processor linked to a third profile is taken off the survivor, so no two live profiles hold it.
    /// </summary>
    public async Task<int> RunAsync(MergeStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var loser = await profiles.GetAsync(input.LoserId, cancellationToken);
        if (loser is null)
        {
            return 0;
        }

        var moved = 0;
        var foreign = new List<(string IdentityId, string Owner)>();
        foreach (var id in loser.Value.Value.Identifiers)
        {
            for (var attempt = 1; ; attempt++)
            {
                var survivor = await live.ResolveAsync(input.SurvivorId, cancellationToken);
                if (survivor is null)
                {
                    return moved;
                }

                var survivorId = survivor.Value.Value.Id;
                var holds = survivor.Value.Value.Identifiers.Exists(i => i.IdentityId == id.IdentityId);
                var link = await identities.GetAsync(id.IdentityId, cancellationToken);
                try
                {
                    if (link is null)
                    {
                        if (holds && !await identities.TryCreateAsync(new IdentityLink(id.IdentityId, survivorId, time.GetUtcNow(), time.GetUtcNow()), cancellationToken))
                        {
                            throw new ConcurrencyConflictException($"identity {id.IdentityId} was linked meanwhile");
                        }
                    }
                    else if (link.Value.Value.ProfileId == input.LoserId)
                    {
                        if (holds)
                        {
                            await identities.ReplaceAsync(link.Value.Value with { ProfileId = survivorId, LastSeen = time.GetUtcNow() },
                                link.Value.ETag, cancellationToken);
                            moved++;
                        }
                        else if (!await identities.DeleteAsync(id.IdentityId, link.Value.ETag, cancellationToken))
                        {
                            throw new ConcurrencyConflictException($"identity {id.IdentityId} changed while being released");
                        }
                    }
                    else if (holds && link.Value.Value.ProfileId != survivorId
                        && (await live.ResolveAsync(link.Value.Value.ProfileId, cancellationToken))?.Value.Id != survivorId)
                    {
                        foreign.Add((id.IdentityId, link.Value.Value.ProfileId));
                    }

                    break;
                }
                catch (ConcurrencyConflictException) when (attempt < 10)
                {
                }
            }
        }

        if (foreign.Count > 0)
        {
            await ReleaseForeignAsync(input.SurvivorId, foreign, cancellationToken);
        }

        return moved;
    }

    private async Task ReleaseForeignAsync(string survivorId, List<(string IdentityId, string Owner)> foreign, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var survivor = await live.ResolveAsync(survivorId, ct);
            if (survivor is null)
            {
                return;
            }

            var profile = survivor.Value.Value;
            foreach (var (identityId, owner) in foreign)
            {
                if (profile.Identifiers.RemoveAll(i => i.IdentityId == identityId) > 0)
                {
                    profile.History.Add(new ProfileHistoryEntry(time.GetUtcNow(), HistoryKinds.IdentifierDropped,
                        $"linked to profile {owner} by concurrent processing", owner, identityId));
                }
            }

            try
            {
                profile.Version++;
                await profiles.ReplaceAsync(profile, survivor.Value.ETag, ct);
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < 20)
            {
            }
        }
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
