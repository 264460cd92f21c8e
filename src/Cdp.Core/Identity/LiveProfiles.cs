using Cdp.Core.Profiles;

namespace Cdp.Core.Identity;

/// <summary>Follows <c>mergedInto</c> from any profile id to the live profile, refusing chains that loop.</summary>
public sealed class LiveProfiles(IProfileStore profiles)
{
    private const int MaxHops = 32;

    /// <summary>The live profile <paramref name="id"/> leads to, or null when the chain ends at a missing profile.</summary>
    public async Task<Versioned<Profile>?> ResolveAsync(string id, CancellationToken cancellationToken)
    {
        var seen = new List<string>(2);
        var current = id;
        while (true)
        {
            if (seen.Contains(current) || seen.Count == MaxHops)
            {
                throw new InvalidOperationException($"profile {id} has a mergedInto chain that does not end: {string.Join(" -> ", seen)}");
            }

            seen.Add(current);
            var read = await profiles.GetAsync(current, cancellationToken);
            if (read is not { Value.MergedInto: { } next })
            {
                return read;
            }

            current = next;
        }
    }
}
