using Cdp.Core.Profiles;

namespace Cdp.Core.Identity;

/// <summary>Follows <c>mergedInto</c> from any profile id to the live profile, refusing chains that loop.</summary>
public sealed class LiveProfiles(IProfileStore profiles)
{
    private const int MaxHops = 32;

    /// <summary>The live profile <paramref name="id"/> leads to, or null when the chain ends at a missing profile.</summary>
    public async Task<Versioned<Profile>?> ResolveAsync(string id, CancellationToken cancellationToken) =>
        (await FollowAsync(id, static _ => false, null, cancellationToken)).Read;

    /// <summary>
    /// Follows the chain from <paramref name="id"/> until a live profile, a missing one, or an id for which
    /// <paramref name="held"/> is true (a caller's own, newer copy; then <c>Read</c> is null and nothing is read for it).
    /// Each profile on the chain is read through <paramref name="read"/> when given (a caller that already read the
    /// store's documents in bulk answers from them), else from the store. Returns where it stopped and what was read there.
    /// </summary>
    public async Task<(string Id, Versioned<Profile>? Read)> FollowAsync(
        string id, Func<string, bool> held, Func<string, CancellationToken, ValueTask<Versioned<Profile>?>>? read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        read ??= ReadStoreAsync;
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
            var stored = await read(current, cancellationToken);
            if (stored is not { Value.MergedInto: { } next })
            {
                return (current, stored);
            }

            current = next;
        }
    }

    private ValueTask<Versioned<Profile>?> ReadStoreAsync(string id, CancellationToken cancellationToken) =>
        new(profiles.GetAsync(id, cancellationToken));
}
