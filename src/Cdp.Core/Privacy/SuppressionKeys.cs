using System.Security.Cryptography;
using System.Text;
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
    private readonly byte[] _pepper;

    public SuppressionKeys(IOptions<IdentityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pepper = Encoding.UTF8.GetBytes(options.Value.Pepper);
    }

    /// <summary>The key of a normalized identifier.</summary>
    public string For(string type, string value)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(value);
        var mac = HMACSHA256.HashData(_pepper, Encoding.UTF8.GetBytes("suppress:" + type + ":" + value));
        return type + ":" + Convert.ToHexStringLower(mac);
    }

    public string For(SubjectIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return For(identity.Type, identity.Value);
    }
}
