using Cdp.Core.Profiles;

namespace Cdp.Core.Identity;

/// <summary>Follows <c>mergedInto</c> from any profile id to the live profile, refusing chains that loop.</summary>
public sealed class LiveProfiles(IProfileStore profiles)
{
    private const int MaxHops = 32;

    /// <summary>The live profile <paramref name="id"/> leads to, or null when the chain ends at a missing profile.</summary>
    public async Task<Versioned<Profile>?> ResolveAsync(string id, CancellationToken cancellationToken) =>
        (await FollowAsync(id, static _ => false, cancellationToken)).Read;

    /// <summary>
    /// Follows the chain from <paramref name="id"/> until a live profile, a missing one, or an id for which
    /// <paramref name="held"/> is true (a caller's own, newer copy; then <c>Read</c> is null and nothing is read for it).
    /// Returns where it stopped and what was read there.
    /// </summary>
    public async Task<(string Id, Versioned<Profile>? Read)> FollowAsync(
        string id, Func<string, bool> held, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        var seen = new List<string>(2);
        var current = id;
        while (true)
        {
            if (held(current))
            {
                return (current, null);
            }

            if (seen.Contains(current) || seen.Count == MaxHops)
            {
                throw new InvalidOperationException($"profile {id} has a mergedInto chain that does not end: {string.Join(" -> ", seen)}");
            }

            seen.Add(current);
            var read = await profiles.GetAsync(current, cancellationToken);
            if (read is not { Value.MergedInto: { } next })
            {
                return (current, read);
            }

            current = next;
        }
    }
}
