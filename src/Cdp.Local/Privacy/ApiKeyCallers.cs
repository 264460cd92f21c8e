using System.Security.Cryptography;
using System.Text;
using Cdp.Core.Privacy;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Privacy;

/// <summary>A caller a key identifies: its configured name and roles.</summary>
public sealed record ApiCaller(string Name, IReadOnlyList<string> Roles);

/// <summary>
/// Finds the caller a presented API key belongs to, by its SHA-256. Every configured hash is compared in constant
/// time, so the answer's timing says nothing about how close a guess came.
/// </summary>
public sealed class ApiKeyCallers
{
    private readonly List<(byte[] Hash, ApiCaller Caller)> _keys = [];

    public ApiKeyCallers(IOptions<ApiKeyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var key in options.Value.ApiKeys)
        {
            _keys.Add((Convert.FromHexString(key.KeySha256), new ApiCaller(key.Name, [.. key.Roles])));
        }

        if (options.Value.ComplianceKey is { Length: > 0 } compliance)
        {
            _keys.Add((Hash(compliance), new ApiCaller(ApiKeyOptions.ComplianceKeyName, [PrivacyAccess.ManageRole])));
        }
    }

    /// <summary>True when some configured key carries <paramref name="role"/>.</summary>
    public bool AnyWithRole(string role) => _keys.Exists(k => k.Caller.Roles.Contains(role, StringComparer.Ordinal));

    /// <summary>The caller of <paramref name="key"/>, or null when it matches no configured key.</summary>
    public ApiCaller? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var presented = Hash(key);
        ApiCaller? found = null;
        foreach (var (hash, caller) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, presented))
            {
                found ??= caller;
            }
        }

        return found;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
