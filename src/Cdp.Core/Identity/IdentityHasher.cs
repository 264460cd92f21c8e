using Microsoft.Extensions.Options;

namespace Cdp.Core.Identity;

/// <summary>
/// Keyed SHA-256 (HMAC with the deployment's pepper) of a normalized identifier. The identity index,
/// suppression list and logs only ever see this hash.
/// </summary>
public sealed class IdentityHasher
{
    private readonly PepperedMac _mac;

    public IdentityHasher(IOptions<IdentityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _mac = new PepperedMac(options.Value.Pepper);
    }

    /// <summary>Lower-case hex HMAC-SHA256 of "type:value".</summary>
    public string Hash(Identifier identifier) => _mac.Hex(string.Empty, identifier.Type, identifier.Value);

    /// <summary>The identity document id: <c>{type}:{hash}</c>.</summary>
    public string IdentityId(Identifier identifier) => _mac.TypedKey(string.Empty, identifier.Type, identifier.Value);

    public HashedIdentifier WithHash(Identifier identifier) =>
        new(identifier.Type, identifier.Value, IdentityId(identifier));
}
