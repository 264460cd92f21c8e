using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Cdp.Core.Ingestion;
using Microsoft.Extensions.Options;

namespace Cdp.Azure.Ingestion;

/// <summary>
/// Sources listed in configuration (<c>Cdp:Sources</c>). Settings hold only the SHA-256 of each write key, so app
/// settings, deployment logs and Bicep outputs never carry a key that would let someone post events.
/// </summary>
internal sealed class ConfiguredSourceDirectory : ISourceDirectory
{
    private readonly FrozenDictionary<string, Source> _byKeyHash;

    public ConfiguredSourceDirectory(IOptions<SourceDirectoryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _byKeyHash = options.Value.Sources.ToFrozenDictionary(
            s => s.WriteKeySha256.ToLowerInvariant(),
            s => new Source(s.Id, string.IsNullOrWhiteSpace(s.Name) ? s.Id : s.Name) { AllowedOrigins = SourceOrigins.FromSettings(s.AllowedOrigins) },
            StringComparer.Ordinal);
    }

    public Task<Source?> FindByWriteKeyAsync(string writeKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writeKey);
        return Task.FromResult(_byKeyHash.GetValueOrDefault(HashOf(writeKey)));
    }

    /// <summary>Lower-case hex SHA-256 of the key's UTF-8 bytes: what <c>WriteKeySha256</c> must hold.</summary>
    public static string HashOf(string writeKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(writeKey)));
}
