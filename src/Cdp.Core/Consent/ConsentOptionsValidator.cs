using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Consent;

/// <summary>Purpose and alias names must be plain names, and every alias must lead to a purpose.</summary>
internal sealed partial class ConsentOptionsValidator : IValidateOptions<ConsentOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsentOptions options)
    {
        var failures = new List<string>();
        foreach (var purpose in options.Purposes)
        {
            if (!IsName(purpose))
            {
                failures.Add($"Cdp:Consent:Purposes: \"{purpose}\" is not a purpose name; use 1 to 64 letters, digits, '_', '.' or '-'");
            }
        }

        var purposes = new HashSet<string>(options.Purposes.Concat(ConsentOptions.BuiltInPurposes), StringComparer.OrdinalIgnoreCase);
        foreach (var (alias, purpose) in options.Aliases)
        {
            if (!IsName(alias))
            {
                failures.Add($"Cdp:Consent:Aliases: \"{alias}\" is not an alias name; use 1 to 64 letters, digits, '_', '.' or '-'");
            }
            else if (purposes.Contains(alias))
            {
                failures.Add($"Cdp:Consent:Aliases:{alias} names a purpose itself; an alias must be another name");
            }
            else if (purpose is null || !purposes.Contains(purpose))
            {
                failures.Add($"Cdp:Consent:Aliases:{alias} must name a purpose from Cdp:Consent:Purposes, not \"{purpose}\"");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Also used to decide whether a key from an event is safe to log (an email address is not a name).</summary>
    public static bool IsName(string? value) => value is not null && NamePattern().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
