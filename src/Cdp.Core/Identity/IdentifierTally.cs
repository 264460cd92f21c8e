using Cdp.Core.Profiles;

namespace Cdp.Core.Identity;

/// <summary>
/// The identifier-limit rule (DESIGN §5), counted over one person's identifiers: at most the type's limit of each
/// type and <see cref="IdentityOptions.MaxIdentifiersPerProfile"/> in all. The identity graph, ingestion's lost-race
/// repair and both merge activities ask it, so the rule is written once; each caller words its own decision.
/// </summary>
public sealed class IdentifierTally(IdentityOptions rules)
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perType = new(StringComparer.Ordinal);

    public int Count => _ids.Count;

    public bool Contains(string identityId) => _ids.Contains(identityId);

    /// <summary>Counts the identifier; counting one already counted changes nothing.</summary>
    public void Add(string type, string identityId)
    {
        if (_ids.Add(identityId))
        {
            _perType[type] = _perType.GetValueOrDefault(type) + 1;
        }
    }

    public void AddAll(IEnumerable<ProfileIdentifier> identifiers)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        foreach (var i in identifiers)
        {
            Add(i.Type, i.IdentityId);
        }
    }

    /// <summary>The limit one more identifier of <paramref name="type"/> would break (e.g. "1 userId identifier(s)"), or null.</summary>
    public string? WouldBreak(string type)
    {
        var limit = rules.RuleFor(type).Limit;
        if (_perType.GetValueOrDefault(type) >= limit)
        {
            return $"{limit} {type} identifier(s)";
        }

        return _ids.Count >= rules.MaxIdentifiersPerProfile ? $"{rules.MaxIdentifiersPerProfile} identifiers" : null;
    }

    /// <summary>The limit counting all of <paramref name="identifiers"/> as well would break, or null (nothing is counted).</summary>
    public string? WouldBreak(IEnumerable<ProfileIdentifier> identifiers)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        var counted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in identifiers)
        {
            if (!_ids.Contains(i.IdentityId) && counted.Add(i.IdentityId))
            {
                added[i.Type] = added.GetValueOrDefault(i.Type) + 1;
            }
        }

        foreach (var (type, count) in added)
        {
            var limit = rules.RuleFor(type).Limit;
            if (_perType.GetValueOrDefault(type) + count > limit)
            {
                return $"{limit} {type} identifier(s)";
            }
        }

        return _ids.Count + counted.Count > rules.MaxIdentifiersPerProfile ? $"{rules.MaxIdentifiersPerProfile} identifiers" : null;
    }
}
