using Cdp.Core.Identity;

namespace Cdp.Core.Profiles;

/// <summary>The outcome of a profile look-up, mapped to HTTP once per host.</summary>
public sealed record LookupResult(LookupStatus Status, Profile? Profile, string? Error)
{
    public static LookupResult Found(Profile profile) => new(LookupStatus.Found, profile, null);
    public static LookupResult NotFound(string error) => new(LookupStatus.NotFound, null, error);
    public static LookupResult Invalid(string error) => new(LookupStatus.Invalid, null, error);
}

public enum LookupStatus
{
    Found,
    NotFound,
    Invalid,
}

/// <summary>Finds the live profile for an id or for any identifier, following merge tombstones.</summary>
public sealed class ProfileLookup(IProfileStore profiles, IIdentityIndex identities, IdentifierExtractor extractor, IdentityHasher hasher)
{
    private const int MaxMergeHops = 16;

    private static readonly HashSet<string> BuiltInTypes = new(StringComparer.Ordinal)
    {
        IdentifierTypes.UserId, IdentifierTypes.AnonymousId, IdentifierTypes.Email, IdentifierTypes.Phone, IdentifierTypes.DeviceId,
    };

    public async Task<LookupResult> GetAsync(string id, CancellationToken cancellationToken)
    {
        var current = id;
        for (var hop = 0; hop < MaxMergeHops; hop++)
        {
            var read = await profiles.GetAsync(current, cancellationToken);
            if (read is null)
            {
                return LookupResult.NotFound($"no profile with id {id}");
            }

            if (read.Value.Value.MergedInto is not { } next)
            {
                return LookupResult.Found(read.Value.Value);
            }

            current = next;
        }

        throw new InvalidOperationException($"profile {id} has a mergedInto chain longer than {MaxMergeHops}");
    }

    public async Task<LookupResult> FindAsync(string? identifierType, string? value, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(identifierType) || string.IsNullOrWhiteSpace(value))
        {
            return LookupResult.Invalid("identifierType and value are both required");
        }

        if (!BuiltInTypes.Contains(identifierType) && !extractor.CustomTypes.Contains(identifierType))
        {
            return LookupResult.Invalid($"unknown identifierType \"{(identifierType.Length > 40 ? identifierType[..40] : identifierType)}\"; use one of "
                + string.Join(", ", BuiltInTypes.Concat(extractor.CustomTypes)));
        }

        var normalized = extractor.Normalize(identifierType, value);
        if (normalized is null)
        {
            return LookupResult.Invalid($"value is not a valid {identifierType}");
        }

        var link = await identities.GetAsync(hasher.IdentityId(new Identifier(identifierType, normalized)), cancellationToken);
        return link is null
            ? LookupResult.NotFound($"no profile holds that {identifierType}")
            : await GetAsync(link.Value.Value.ProfileId, cancellationToken);
    }
}
