using Cdp.Core.Profiles;
using Cdp.Core.Workflows;
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
        var tally = new IdentifierTally(options.Value);
        if (tally.WouldBreak(profiles.SelectMany(p => p.Identifiers)) is { } limit)
        {
            return new MergePlan(null, [], $"merging would give one person more than the limit of {limit}");
        }

        var survivor = graph.ChooseSurvivor(profiles);
        return new MergePlan(survivor.Id, profiles.Where(p => p.Id != survivor.Id).Select(p => p.Id).Order(StringComparer.Ordinal).ToList(), null);
    }
}
