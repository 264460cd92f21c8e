using System.Text.RegularExpressions;
using Cdp.Core.Consent;
using Cdp.Core.Identity;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Destinations;

/// <summary>Every destination setting checked at start-up; each message names the setting (secrets are never echoed).</summary>
internal sealed partial class DestinationsOptionsValidator(ConsentPolicy consent, IOptions<IdentityOptions> identity)
    : IValidateOptions<DestinationsOptions>
{
    private static readonly string[] BuiltInIdentifierTypes =
        [IdentifierTypes.UserId, IdentifierTypes.AnonymousId, IdentifierTypes.Email, IdentifierTypes.Phone, IdentifierTypes.DeviceId];

    public ValidateOptionsResult Validate(string? name, DestinationsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (key, destination) in options.Destinations)
        {
            var setting = $"{DestinationsOptions.SectionName}:{key}";
            if (!KeyPattern().IsMatch(key))
            {
                failures.Add($"{setting}: a destination key must be 1 to 64 letters, digits, '_' or '-'");
            }

            switch (destination.Type)
            {
                case DestinationTypes.Webhook:
                    ValidateWebhook(setting, destination, failures);
                    break;
                case DestinationTypes.File:
                    if (destination.Format is not (DestinationFormats.Csv or DestinationFormats.Ndjson))
                    {
                        failures.Add($"{setting}:Format must be csv or ndjson");
                    }

                    break;
                default:
                    failures.Add($"{setting}:Type must be webhook or file");
                    break;
            }

            ValidatePurposes(setting, destination, failures);
            ValidateMapping(setting, destination, failures);
            if (destination.MaxAttempts is < 1 or > 100)
            {
                failures.Add($"{setting}:MaxAttempts must be between 1 and 100");
            }

            if (destination.BatchSize is < 1 or > 1000)
            {
                failures.Add($"{setting}:BatchSize must be between 1 and 1000");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateWebhook(string setting, DestinationSettings destination, List<string> failures)
    {
        if (!Uri.TryCreate(destination.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{setting}:Url must be an absolute http or https URL");
        }

        if (string.IsNullOrEmpty(destination.Secret))
        {
            failures.Add($"{setting}:Secret is required for a webhook: whsec_ followed by a base64 key of at least 24 bytes");
        }
        else if (WebhookSigner.KeyOf(destination.Secret) is not { Length: >= WebhookSigner.MinKeyBytes })
        {
            failures.Add($"{setting}:Secret must be whsec_ followed by a base64 key of at least 24 bytes");
        }
    }

    private void ValidatePurposes(string setting, DestinationSettings destination, List<string> failures)
    {
        if (destination.Purposes.Count == 0)
        {
            // A destination receives personal data: which consent allows that must be said, not assumed.
            failures.Add($"{setting}:Purposes must list at least one consent purpose (e.g. marketing)");
        }

        foreach (var purpose in destination.Purposes)
        {
            if (string.IsNullOrEmpty(purpose) || consent.Resolve(purpose) is null)
            {
                failures.Add($"{setting}:Purposes: \"{purpose}\" is not a consent purpose; configure it in Cdp:Consent:Purposes");
            }
        }
    }

    private void ValidateMapping(string setting, DestinationSettings destination, List<string> failures)
    {
        var identifierTypes = BuiltInIdentifierTypes.Concat(identity.Value.CustomTypes).ToHashSet(StringComparer.Ordinal);
        foreach (var (output, sourceText) in destination.Mapping)
        {
            var source = FieldSource.Parse(sourceText);
            if (!FieldPattern().IsMatch(output))
            {
                failures.Add($"{setting}:Mapping: \"{output}\" is not a field name; use 1 to 64 letters, digits, '_', '.' or '-'");
            }
            else if (source is null)
            {
                failures.Add($"{setting}:Mapping:{output} must be profileId, traits.<name>, identifiers.<type> or computed.<name>, not \"{sourceText}\"");
            }
            else if (source.Kind == FieldSource.Identifiers && !identifierTypes.Contains(source.Name))
            {
                failures.Add($"{setting}:Mapping:{output}: \"{source.Name}\" is not an identifier type (built-in or Cdp:Identity:CustomTypes)");
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex FieldPattern();
}
