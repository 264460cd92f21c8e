using Cdp.Core.Profiles;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Identity;

/// <summary>An identifier the graph refused to link, and why (the reason is logged; it holds no raw values).</summary>
public sealed record DroppedIdentifier(string Type, string IdentityId, string Reason);

/// <summary>
/// What to do with one event's identifiers: the profile it belongs to (null: a new one), the identifiers to link
/// to it, those dropped, and the other live profiles that are the same person and must be merged into it.
/// </summary>
public sealed record IdentityDecision(
    Profile? Target,
    IReadOnlyList<HashedIdentifier> Keep,
    IReadOnlyList<DroppedIdentifier> Dropped,
    IReadOnlyList<Profile> MergeIntoTarget);

/// <summary>
/// The deterministic identity graph's rules. Identifiers are considered strongest first; each either joins the
/// group, brings its profile into the group (a merge), or — when that would give one person more identifiers
/// of a type than the type's limit (two userIds, say) — is dropped for this event. Because the strongest
/// identifiers are decided first, it is always the weakest conflicting ones that are dropped.
/// </summary>
public sealed class IdentityGraph(IOptions<IdentityOptions> options)
{
    private readonly IdentityOptions _options = options.Value;

    /// <summary>Orders identifiers strongest first, deterministically.</summary>
    public int Compare(HashedIdentifier a, HashedIdentifier b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var byPriority = _options.RuleFor(a.Type).Priority.CompareTo(_options.RuleFor(b.Type).Priority);
        if (byPriority != 0)
        {
            return byPriority;
        }

        var byType = string.CompareOrdinal(a.Type, b.Type);
        return byType != 0 ? byType : string.CompareOrdinal(a.IdentityId, b.IdentityId);
    }

    /// <param name="identifiers">The event's identifiers (already normalized, blocked values removed).</param>
    /// <param name="linked">For each identity id that is linked, the live profile it resolves to.</param>
    public IdentityDecision Decide(IReadOnlyList<HashedIdentifier> identifiers, IReadOnlyDictionary<string, Profile> linked)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        ArgumentNullException.ThrowIfNull(linked);
        var ordered = identifiers.ToList();
        ordered.Sort(Compare);

        var group = new Group(_options);
        var members = new List<Profile>();
        var keep = new List<HashedIdentifier>(ordered.Count);
        var dropped = new List<DroppedIdentifier>();
        foreach (var id in ordered)
        {
            if (linked.TryGetValue(id.IdentityId, out var profile))
            {
                if (!members.Exists(m => m.Id == profile.Id))
                {
                    var conflict = group.ConflictWith(profile);
                    if (conflict is not null)
                    {
                        dropped.Add(new DroppedIdentifier(id.Type, id.IdentityId,
                            $"linking would merge profile {profile.Id} into a person that already has {conflict}"));
                        continue;
                    }

                    group.Add(profile);
                    members.Add(profile);
                }

                // Linked through a merged-away profile whose survivor did not take it (a limit, or a merge mid-way):
                // the identifier is judged against the limits like a new one.
                if (!group.Contains(id.IdentityId) && group.FullFor(id.Type) is { } full)
                {
                    dropped.Add(new DroppedIdentifier(id.Type, id.IdentityId, full));
                    continue;
                }

                group.Add(id.Type, id.IdentityId);
                keep.Add(id);
            }
            else if (group.Contains(id.IdentityId))
            {
                keep.Add(id);
            }
            else
            {
                var full = group.FullFor(id.Type);
                if (full is not null)
                {
                    dropped.Add(new DroppedIdentifier(id.Type, id.IdentityId, full));
                    continue;
                }

                group.Add(id.Type, id.IdentityId);
                keep.Add(id);
            }
        }

        if (members.Count == 0)
        {
            return new IdentityDecision(null, keep, dropped, []);
        }

        var survivor = ChooseSurvivor(members);
        return new IdentityDecision(survivor, keep, dropped, members.Where(m => m.Id != survivor.Id).ToList());
    }

    /// <summary>The profile holding the strongest identifier survives a merge; then the oldest; then the smallest id.</summary>
    public Profile ChooseSurvivor(IReadOnlyList<Profile> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        return profiles
            .OrderBy(p => p.Identifiers.Count == 0 ? int.MaxValue : p.Identifiers.Min(i => _options.RuleFor(i.Type).Priority))
            .ThenBy(p => p.CreatedAt)
            .ThenBy(p => p.Id, StringComparer.Ordinal)
            .First();
    }

    /// <summary>The person being assembled, with the wording of the graph's decisions.</summary>
    private sealed class Group(IdentityOptions options)
    {
        private readonly IdentifierTally _tally = new(options);

        public bool Contains(string identityId) => _tally.Contains(identityId);

        public void Add(string type, string identityId) => _tally.Add(type, identityId);

        public void Add(Profile profile) => _tally.AddAll(profile.Identifiers);

        public string? FullFor(string type) =>
            _tally.WouldBreak(type) is { } limit ? $"the person already has the limit of {limit}" : null;

        /// <summary>Describes the limit a merge with <paramref name="profile"/> would break, or null.</summary>
        public string? ConflictWith(Profile profile) =>
            _tally.WouldBreak(profile.Identifiers) is { } limit ? $"{limit} (limit)" : null;
    }
}
