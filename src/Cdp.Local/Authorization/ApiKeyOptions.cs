using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Cdp.Core.Authorization;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Authorization;

/// <summary>
/// API keys of the local host's management routes (<c>/api/...</c>; separate from ingestion write keys), bound from
/// <c>Cdp:Local</c>: <c>Cdp:Local:ApiKeys:0:Name</c>, <c>:KeySha256</c> (hex SHA-256 of the key; the key itself is never
/// configured) and <c>:Roles:0</c> (one of <see cref="ApiRoles.All"/>). Callers send <c>Authorization: Bearer &lt;key&gt;</c>.
/// </summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Cdp:Local";

    /// <summary>The name <see cref="ComplianceKey"/> is audited under.</summary>
    public const string ComplianceKeyName = "local-compliance-key";

    /// <summary>The name <see cref="AdminKey"/> is audited under.</summary>
    public const string AdminKeyName = "local-admin-key";

    /// <summary>The name the admin key generated on first start is audited under.</summary>
    public const string GeneratedAdminKeyName = "generated-admin-key";

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    /// <summary>
    /// Try-out shortcut: a plain key holding every role (hashed at start, audited as <see cref="AdminKeyName"/>). When it
    /// is set, or <see cref="ApiKeys"/> lists a key, no admin key is generated on first start.
    /// </summary>
    [RegularExpression(@"^\S{16,256}$", ErrorMessage = "Cdp:Local:AdminKey must be 16 to 256 characters without whitespace")]
    public string? AdminKey { get; set; }

    /// <summary>
    /// Development shortcut: a plain key given the <see cref="ApiRoles.PrivacyManage"/> role only (hashed at start, audited as
    /// <see cref="ComplianceKeyName"/>). For anything shared, configure <see cref="ApiKeys"/> with a hash instead.
    /// </summary>
    [RegularExpression(@"^\S{16,256}$", ErrorMessage = "Cdp:Local:ComplianceKey must be 16 to 256 characters without whitespace")]
    public string? ComplianceKey { get; set; }

    /// <summary>True when the operator chose the management keys, so none is generated for them.</summary>
    public bool KeysConfigured => !string.IsNullOrEmpty(AdminKey) || ApiKeys.Count > 0;
}

public sealed class ApiKeyEntry
{
    public string Name { get; set; } = string.Empty;
    public string KeySha256 { get; set; } = string.Empty;
    public List<string> Roles { get; set; } = [];
}

/// <summary>Checks each configured key, naming the entry and setting that is wrong, so a bad key list fails at start-up.</summary>
public sealed partial class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    private static readonly string[] ReservedNames = [ApiKeyOptions.ComplianceKeyName, ApiKeyOptions.AdminKeyName, ApiKeyOptions.GeneratedAdminKeyName];

    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            var at = $"Cdp:Local:ApiKeys:{i}";
            if (!KeyName().IsMatch(key.Name ?? string.Empty))
            {
                errors.Add($"{at}:Name must be 1 to 64 letters, digits, '.', '_' or '-' (it names the caller in the audit trail)");
            }
            else if (!names.Add(key.Name!) || ReservedNames.Contains(key.Name))
            {
                errors.Add($"{at}:Name '{key.Name}' is used twice (or is reserved: {string.Join(", ", ReservedNames)})");
            }

            if (!Sha256Hex().IsMatch(key.KeySha256 ?? string.Empty))
            {
                errors.Add($"{at}:KeySha256 must be the 64 hex digits of the key's SHA-256 (e.g. printf %s KEY | sha256sum)");
            }

            if (key.Roles is not { Count: > 0 })
            {
                errors.Add($"{at}:Roles must list at least one role: {string.Join(", ", ApiRoles.All)}");
            }
            else
            {
                // A misspelt role would otherwise grant nothing and surface only as 403s.
                for (var r = 0; r < key.Roles.Count; r++)
                {
                    if (!ApiRoles.IsKnown(key.Roles[r] ?? string.Empty))
                    {
                        errors.Add($"{at}:Roles:{r} '{key.Roles[r]}' is not a role; use {string.Join(", ", ApiRoles.All)}");
                    }
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex KeyName();

    [GeneratedRegex("^[0-9A-Fa-f]{64}$")]
    private static partial Regex Sha256Hex();
}
