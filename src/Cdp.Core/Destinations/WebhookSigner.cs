using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cdp.Core.Destinations;

/// <summary>
/// Standard Webhooks signing (standardwebhooks.com): <c>webhook-signature: v1,&lt;base64 HMAC-SHA256&gt;</c> over
/// <c>"{webhook-id}.{webhook-timestamp}.{body}"</c>, keyed with the bytes the <c>whsec_</c> secret's base64 encodes.
/// Written here (a few lines) rather than taken from the StandardWebhooks package, whose signer takes the body as a
/// string; the tests check it against the specification's example and the package's verifier.
/// </summary>
public static class WebhookSigner
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    public const string SecretPrefix = "whsec_";

    /// <summary>The specification asks for keys of 24 to 64 bytes.</summary>
    public const int MinKeyBytes = 24;

    /// <summary>The key a <c>whsec_</c> secret carries, or null when it is not one.</summary>
    public static byte[]? KeyOf(string? secret)
    {
        if (secret is null || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var encoded = secret.AsSpan(SecretPrefix.Length);
        var key = new byte[encoded.Length];
        return Convert.TryFromBase64Chars(encoded, key, out var written) ? key[..written] : null;
    }

    /// <summary>The value of <c>webhook-signature</c> for this message.</summary>
    /// <exception cref="ArgumentException">The secret is not <c>whsec_</c> followed by base64 (start-up validation prevents it).</exception>
    public static string Sign(string secret, string id, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(id);
        var key = KeyOf(secret) ?? throw new ArgumentException("the secret is not whsec_ followed by base64", nameof(secret));
        var prefix = Encoding.UTF8.GetBytes($"{id}.{Seconds(timestamp)}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    /// <summary>The three headers of a signed message, in the order the specification lists them.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Headers(string secret, string id, DateTimeOffset timestamp, ReadOnlySpan<byte> body) =>
    [
        new(IdHeader, id),
        new(TimestampHeader, Seconds(timestamp)),
        new(SignatureHeader, Sign(secret, id, timestamp, body)),
    ];

    /// <summary>How far a message's <c>webhook-timestamp</c> may be from the receiver's clock (the specification's default).</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A receiver's check of one message: the timestamp is within <paramref name="tolerance"/> of <paramref name="now"/>
    /// (a replayed capture fails) and one of the space-separated <c>v1,</c> signatures is this body's, compared in constant
    /// time. Kept beside <see cref="Sign"/> so a receiver in this code base never restates the rule.
    /// </summary>
    public static bool Verify(
        string secret, string? id, string? timestamp, string? signatures, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(signatures) || KeyOf(secret) is null
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        var at = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if ((now - at).Duration() > tolerance)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, id, at, body));
        foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(candidate)))
            {
                return true;
            }
        }

        return false;
    }

    private static string Seconds(DateTimeOffset timestamp) => timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
