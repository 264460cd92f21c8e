using Microsoft.Extensions.Options;

namespace Cdp.Core.Profiles;

/// <summary>Which of two values of one trait survives: on ingest and when merging profiles, the same rule.</summary>
public sealed class TraitSurvivorship(IOptions<ProfileOptions> options)
{
    private readonly HashSet<string> _firstValue = new(options.Value.FirstValueTraits, StringComparer.Ordinal);
    private readonly List<string> _sourcePriority = options.Value.SourcePriority;

    /// <summary>True when <paramref name="candidate"/> should replace <paramref name="current"/> for trait <paramref name="name"/>.</summary>
    public bool Replaces(string name, TraitValue candidate, TraitValue? current)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (current is null)
        {
            return true;
        }

        if (_firstValue.Contains(name))
        {
            return candidate.UpdatedAt < current.UpdatedAt;
        }

        if (_sourcePriority.Count > 0)
        {
            var rank = Rank(candidate.Source).CompareTo(Rank(current.Source));
            if (rank != 0)
            {
                return rank < 0;
            }
        }

        return candidate.UpdatedAt >= current.UpdatedAt;
    }

    private int Rank(string source)
    {
        var index = _sourcePriority.IndexOf(source);
        return index < 0 ? int.MaxValue : index;
    }
}
