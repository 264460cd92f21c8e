using System.Security.Cryptography;
using System.Text;

namespace Cdp.Core.Identity;

/// <summary>
/// HMAC-SHA256 under the deployment's pepper, as the keys of the identity index and the suppression list are made:
/// the MAC of <c>domain + type + ":" + value</c>, as lower-case hex.
/// </summary>
/// <remarks>
/// For inputs as short as an identifier, keying the HMAC is most of its cost (measured 1.3 µs a one-shot call against
/// 0.5 µs on a keyed state reused), and every event needs two per identifier. So each thread keeps the keyed state of
/// the pepper it last used and resets it after each MAC; the output is the one-shot HMAC's, byte for byte. A deployment
/// has one pepper, so the state is made once a thread (tests with other peppers only make it again).
/// </remarks>
internal sealed class PepperedMac
{
    private const int MacBytes = 32;

    /// <summary>Inputs and keys up to this many bytes or characters are built on the stack.</summary>
    private const int StackLimit = 512;

    [ThreadStatic]
    private static KeyedState? t_keyed;

    private readonly byte[] _pepper;

    public PepperedMac(string pepper)
    {
        ArgumentNullException.ThrowIfNull(pepper);
        _pepper = Encoding.UTF8.GetBytes(pepper);
    }

    /// <summary><c>{type}:{hex MAC}</c>: the key of an identifier in the index or on the list.</summary>
    public string TypedKey(string domain, string type, string value)
    {
        // Compute refuses a null type (or domain, or value) before type is used here.
        Span<byte> mac = stackalloc byte[MacBytes];
        Compute(domain, type, value, mac);
        var length = type.Length + 1 + (MacBytes * 2);
        var chars = length <= StackLimit ? stackalloc char[length] : new char[length];
        type.CopyTo(chars);
        chars[type.Length] = ':';
        Convert.TryToHexStringLower(mac, chars[(type.Length + 1)..], out _);
        return new string(chars);
    }

    /// <summary>The hex MAC alone.</summary>
    public string Hex(string domain, string type, string value)
    {
        Span<byte> mac = stackalloc byte[MacBytes];
        Compute(domain, type, value, mac);
        return Convert.ToHexStringLower(mac);
    }

    private void Compute(string domain, string type, string value, Span<byte> mac)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(value);
        var max = Encoding.UTF8.GetMaxByteCount(domain.Length + type.Length + 1 + value.Length);
        var input = max <= StackLimit ? stackalloc byte[max] : new byte[max];
        var length = Encoding.UTF8.GetBytes(domain, input);
        length += Encoding.UTF8.GetBytes(type, input[length..]);
        input[length++] = (byte)':';
        length += Encoding.UTF8.GetBytes(value, input[length..]);

        var keyed = t_keyed;
        if (keyed is null || !keyed.Pepper.AsSpan().SequenceEqual(_pepper))
        {
            keyed?.Hmac.Dispose();
            keyed = t_keyed = new KeyedState(_pepper);
        }

        try
        {
            keyed.Hmac.AppendData(input[..length]);
            keyed.Hmac.GetHashAndReset(mac);
        }
        catch
        {
            // A state left half-fed would corrupt this thread's next MAC: the next call keys a fresh one.
            t_keyed = null;
            keyed.Hmac.Dispose();
            throw;
        }
    }

    private sealed class KeyedState(byte[] pepper)
    {
        public byte[] Pepper { get; } = pepper;

        public IncrementalHash Hmac { get; } = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, pepper);
    }
}
