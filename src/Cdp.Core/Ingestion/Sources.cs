using System.Text;

namespace Cdp.Core.Ingestion;

/// <summary>Where events come from; each write key maps to one source.</summary>
public sealed record Source(string Id, string Name);

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
