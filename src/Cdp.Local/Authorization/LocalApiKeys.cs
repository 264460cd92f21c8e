using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Cdp.Core.Authorization;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Authorization;

/// <summary>
/// The local host's callers: API keys sent as <c>Authorization: Bearer &lt;key&gt;</c>, found by their SHA-256 among the
/// configured keys (<c>Cdp:Local:ApiKeys</c>), <c>Cdp:Local:AdminKey</c> (every role), <c>Cdp:Local:ComplianceKey</c>
/// (<see cref="ApiRoles.PrivacyManage"/> only) and the admin key generated on first start. Every hash is compared in
/// constant time, so the answer's timing says nothing about how close a guess came.
/// </summary>
public sealed class LocalApiKeys : IApiCallers
{
    private readonly List<(byte[] Hash, ApiCaller Caller)> _keys = [];

    public LocalApiKeys(IOptions<ApiKeyOptions> options, GeneratedAdminKey generated)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(generated);
        var settings = options.Value;
        foreach (var key in settings.ApiKeys)
        {
            _keys.Add((Convert.FromHexString(key.KeySha256), new ApiCaller(key.Name, [.. key.Roles.Distinct(StringComparer.Ordinal)])));
        }

        if (settings.AdminKey is { Length: > 0 } admin)
        {
            _keys.Add((Hash(admin), new ApiCaller(ApiKeyOptions.AdminKeyName, ApiRoles.All)));
        }

        if (settings.ComplianceKey is { Length: > 0 } compliance)
        {
            _keys.Add((Hash(compliance), new ApiCaller(ApiKeyOptions.ComplianceKeyName, [ApiRoles.PrivacyManage])));
        }

        if (generated.State.Hash is { } generatedHash)
        {
            _keys.Add((generatedHash, new ApiCaller(ApiKeyOptions.GeneratedAdminKeyName, ApiRoles.All)));
        }
    }

    public string Realm => "cdp-local: API key as bearer token";

    public string HowToAuthenticate =>
        "send an API key as Authorization: Bearer KEY (from Cdp:Local:ApiKeys, Cdp:Local:AdminKey or the admin key printed on first start; ingestion write keys are not accepted here)";

    /// <summary>The roles some key holds.</summary>
    public IReadOnlySet<string> RolesHeld => _keys.SelectMany(k => k.Caller.Roles).ToHashSet(StringComparer.Ordinal);

    public CallerLookup Identify(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Only a bearer token is a management credential: a write key sent as Basic is the same as none here.
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(header.Parameter))
        {
            return CallerLookup.Missing;
        }

        return Find(header.Parameter.Trim()) is { } caller ? CallerLookup.Found(caller) : CallerLookup.Unknown;
    }

    /// <summary>The caller of <paramref name="key"/>, or null when it matches no key.</summary>
    public ApiCaller? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var presented = Hash(key);
        ApiCaller? found = null;
        foreach (var (hash, caller) in _keys)
        {
            // No early exit: every configured hash is compared, whichever matches.
            if (CryptographicOperations.FixedTimeEquals(hash, presented))
            {
                found ??= caller;
            }
        }

        return found;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
