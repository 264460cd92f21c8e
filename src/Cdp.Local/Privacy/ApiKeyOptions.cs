using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Cdp.Core.Privacy;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Privacy;

/// <summary>
/// API keys of the local host's management routes (separate from ingestion write keys), bound from <c>Cdp:Local</c>:
/// <c>Cdp:Local:ApiKeys:0:Name</c>, <c>:KeySha256</c> (hex SHA-256 of the key; the key itself is never configured) and
/// <c>:Roles:0</c> (e.g. <c>Privacy.Manage</c>). Callers send <c>Authorization: Bearer &lt;key&gt;</c>.
/// </summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Cdp:Local";

    /// <summary>The name <see cref="ComplianceKey"/> is audited under.</summary>
    public const string ComplianceKeyName = "local-compliance-key";

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    /// <summary>
    /// Development shortcut: a plain key given the <see cref="PrivacyAccess.ManageRole"/> role (hashed at start, audited as
    /// <see cref="ComplianceKeyName"/>). For anything shared, configure <see cref="ApiKeys"/> with a hash instead.
    /// </summary>
    [RegularExpression(@"^\S{16,256}$", ErrorMessage = "Cdp:Local:ComplianceKey must be 16 to 256 characters without whitespace")]
    public string? ComplianceKey { get; set; }
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
            else if (!names.Add(key.Name!) || key.Name == ApiKeyOptions.ComplianceKeyName)
            {
                errors.Add($"{at}:Name '{key.Name}' is used twice (or is reserved for Cdp:Local:ComplianceKey)");
            }

            if (!Sha256Hex().IsMatch(key.KeySha256 ?? string.Empty))
            {
                errors.Add($"{at}:KeySha256 must be the 64 hex digits of the key's SHA-256 (e.g. printf %s KEY | sha256sum)");
            }

            if (key.Roles is not { Count: > 0 } || key.Roles.Exists(string.IsNullOrWhiteSpace))
            {
                errors.Add($"{at}:Roles must list at least one role, e.g. {PrivacyAccess.ManageRole}");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex KeyName();

    [GeneratedRegex("^[0-9A-Fa-f]{64}$")]
    private static partial Regex Sha256Hex();
}
