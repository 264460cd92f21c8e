using System.Text;

namespace Cdp.Core.Ingestion;

/// <summary>Where events come from; each write key maps to one source.</summary>
public sealed record Source(string Id, string Name)
{
    /// <summary>
    /// The web origins (<c>https://shop.example</c>) whose pages may send events with this source's write key, as
    /// <see cref="SourceOrigins.Normalize"/> writes them. Empty: any origin (the default, as with Segment).
    /// </summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>
    /// Whether a request from <paramref name="origin"/> (its <c>Origin</c> header) may use this source. A request
    /// without one is not from a browser page on another site (server SDKs, curl), so the list does not apply to it.
    /// </summary>
    public bool AllowsOrigin(string? origin) =>
        AllowedOrigins.Count == 0
        || string.IsNullOrEmpty(origin)
        || AllowedOrigins.Contains(SourceOrigins.Normalize(origin) ?? origin, StringComparer.Ordinal);
}

/// <summary>Port: resolves write keys to sources.</summary>
public interface ISourceDirectory
{
    Task<Source?> FindByWriteKeyAsync(string writeKey, CancellationToken cancellationToken);
}

public static class WriteKeys
{
    /// <summary>Segment SDKs send the write key as the HTTP Basic user name with an empty password.</summary>
    public static string? FromAuthorizationHeader(string? header)
    {
        const string Basic = "Basic ";
        if (header is null || !header.StartsWith(Basic, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[512];
        var encoded = header.AsSpan(Basic.Length).Trim();
        if (!Convert.TryFromBase64Chars(encoded, buffer, out var written))
        {
            return null;
        }

        var decoded = Encoding.UTF8.GetString(buffer[..written]);
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        var user = colon >= 0 ? decoded[..colon] : decoded;
        return user.Length == 0 ? null : user;
    }
}
