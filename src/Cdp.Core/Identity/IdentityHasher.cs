using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Identity;

/// <summary>
/// Keyed SHA-256 (HMAC with the deployment's pepper) of a normalized identifier. The identity index,
/// suppression list and logs only ever see this hash.
/// </summary>
public sealed class IdentityHasher
{
    private readonly byte[] _pepper;

    public IdentityHasher(IOptions<IdentityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pepper = Encoding.UTF8.GetBytes(options.Value.Pepper);
    }

    /// <summary>Lower-case hex HMAC-SHA256 of "type:value".</summary>
    public string Hash(Identifier identifier)
    {
        var text = identifier.Type + ":" + identifier.Value;
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var rented = max <= 1024 ? null : new byte[max];
        Span<byte> input = rented ?? stackalloc byte[max];
        var length = Encoding.UTF8.GetBytes(text, input);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_pepper, input[..length], mac);
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>The identity document id: <c>{type}:{hash}</c>.</summary>
    public string IdentityId(Identifier identifier) => identifier.Type + ":" + Hash(identifier);

    public HashedIdentifier WithHash(Identifier identifier) =>
        new(identifier.Type, identifier.Value, IdentityId(identifier));
}
