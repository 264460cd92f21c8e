using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Identity;

internal sealed class IdentityOptionsValidator : IValidateOptions<IdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, IdentityOptions options)
    {
        var failures = new List<string>();
        foreach (var (type, rule) in options.Types.Append(new("CustomTypeRule", options.CustomTypeRule)))
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(rule, new ValidationContext(rule), results, validateAllProperties: true))
            {
                failures.AddRange(results.Select(r => $"Cdp:Identity:Types:{type}: {r.ErrorMessage}"));
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
