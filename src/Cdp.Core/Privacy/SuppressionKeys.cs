using Cdp.Core.Identity;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Privacy;

/// <summary>
/// The suppression list's key for an identifier: <c>{type}:{HMAC-SHA256(pepper, "suppress:{type}:{value}")}</c>.
/// A different keyed hash than the identity id on purpose: the list outlives the erasure, and a scan for the
/// subject's identity hashes must find nothing.
/// </summary>
public sealed class SuppressionKeys
{
    private readonly PepperedMac _mac;

    public SuppressionKeys(IOptions<IdentityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _mac = new PepperedMac(options.Value.Pepper);
    }

    /// <summary>The key of a normalized identifier.</summary>
    public string For(string type, string value)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(value);
        return _mac.TypedKey("suppress:", type, value);
    }

    public string For(SubjectIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return For(identity.Type, identity.Value);
    }
}
