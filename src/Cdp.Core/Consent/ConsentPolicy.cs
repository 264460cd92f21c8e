using Cdp.Core.Profiles;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Consent;

/// <summary>
/// Which purposes exist and what a profile allows. Privacy first: a purpose is allowed only by an answer that
/// granted it; no answer means not granted, for every purpose.
/// </summary>
public sealed class ConsentPolicy
{
    private readonly Dictionary<string, string> _byName = new(StringComparer.OrdinalIgnoreCase);

    public ConsentPolicy(IOptions<ConsentOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var purposes = new List<string>();
        foreach (var purpose in ConsentOptions.BuiltInPurposes.Concat(options.Value.Purposes))
        {
            if (_byName.TryAdd(purpose, purpose))
            {
                purposes.Add(purpose);
            }
        }

        foreach (var (alias, purpose) in options.Value.Aliases)
        {
            _byName.TryAdd(alias, _byName[purpose]);
        }

        Purposes = purposes;
    }

    /// <summary>The configured purposes, built-in ones first.</summary>
    public IReadOnlyList<string> Purposes { get; }

    /// <summary>The purpose a name or alias stands for, in its configured spelling; null when it is none.</summary>
    public string? Resolve(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// True only when the profile's current answer for <paramref name="purpose"/> grants it (absent means no).
    /// Exports and activations call this with the purpose their destination declares.
    /// </summary>
    /// <exception cref="ArgumentException">The purpose is not configured: a destination setting that names no purpose is a bug.</exception>
    public bool Allows(Profile profile, string purpose)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(purpose);
        var resolved = Resolve(purpose)
            ?? throw new ArgumentException($"\"{purpose}\" is not a consent purpose; configure it in Cdp:Consent:Purposes", nameof(purpose));
        return profile.Consent.TryGetValue(resolved, out var state) && state.Granted;
    }

    /// <summary>
    /// The first of a destination's <paramref name="purposes"/> the profile has not granted, or null when it granted them
    /// all: the one rule for whether a person may be sent to a destination (membership, delivery and member files ask it).
    /// </summary>
    public string? FirstWithheld(Profile profile, IEnumerable<string> purposes)
    {
        ArgumentNullException.ThrowIfNull(purposes);
        return purposes.FirstOrDefault(p => !Allows(profile, p));
    }
}
