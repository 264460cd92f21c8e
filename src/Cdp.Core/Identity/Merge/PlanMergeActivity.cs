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
