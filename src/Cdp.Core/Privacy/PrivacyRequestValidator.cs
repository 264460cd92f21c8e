using System.Security.Cryptography;
using System.Text;
using Cdp.Core.Identity;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Privacy;

/// <summary>A submission that passed validation: values normalized, identities canonical and sorted, hash computed.</summary>
public sealed record ValidPrivacyRequest(
    string Id,
    string Regulation,
    string Type,
    string? SuppressionMode,
    DateTimeOffset SubmittedTime,
    IReadOnlyList<SubjectIdentity> Identities,
    IReadOnlyList<string> StatusCallbackUrls,
    string RequestHash);

/// <summary>Checks a submission field by field and says exactly what is wrong; normalizes what is right.</summary>
public sealed class PrivacyRequestValidator
{
    public const int MaxIdentities = 50;
    public const int MaxCallbackUrls = 10;
    private const int MaxValueLength = 1_000;
    private const int MaxUrlLength = 2_000;

    private static readonly string[] BuiltInTypes =
        [IdentifierTypes.UserId, IdentifierTypes.AnonymousId, IdentifierTypes.Email, IdentifierTypes.Phone, IdentifierTypes.DeviceId];

    private readonly IdentifierExtractor _extractor;
    private readonly byte[] _pepper;

    public PrivacyRequestValidator(IdentifierExtractor extractor, IOptions<IdentityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _extractor = extractor;
        _pepper = Encoding.UTF8.GetBytes(options.Value.Pepper);
        SupportedIdentityTypes = [.. BuiltInTypes, .. extractor.CustomTypes.Order(StringComparer.Ordinal)];
    }

    /// <summary>Built-in identifier types, then the configured custom ones.</summary>
    public IReadOnlyList<string> SupportedIdentityTypes { get; }

    public (ValidPrivacyRequest? Request, string? Error) Validate(PrivacyRequestSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (string.IsNullOrWhiteSpace(submission.SubjectRequestId))
        {
            return Fail("subject_request_id is required");
        }

        if (!Guid.TryParseExact(submission.SubjectRequestId.Trim(), "D", out var id))
        {
            return Fail("subject_request_id must be a UUID such as 3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f");
        }

        var regulation = submission.Regulation?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(regulation))
        {
            return Fail("regulation is required: use gdpr or ccpa");
        }

        if (!PrivacyRegulations.All.Contains(regulation))
        {
            return Fail($"regulation \"{PrivacyRequestSubmission.Clip(submission.Regulation!)}\" is not supported: use gdpr or ccpa");
        }

        var type = submission.SubjectRequestType?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(type))
        {
            return Fail("subject_request_type is required: use erasure, access or portability");
        }

        if (!PrivacyRequestTypes.All.Contains(type))
        {
            return Fail($"subject_request_type \"{PrivacyRequestSubmission.Clip(submission.SubjectRequestType!)}\" is not supported: use erasure, access or portability");
        }

        if (submission.SubmittedTime is not { } submitted)
        {
            return Fail("submitted_time is required: when the subject made the request, as an ISO 8601 date-time");
        }

        var (mode, modeError) = Mode(type, submission.SuppressionMode);
        if (modeError is not null)
        {
            return Fail(modeError);
        }

        var (identities, identityError) = Identities(submission.SubjectIdentities);
        if (identityError is not null)
        {
            return Fail(identityError);
        }

        var (urls, urlError) = CallbackUrls(submission.StatusCallbackUrls);
        if (urlError is not null)
        {
            return Fail(urlError);
        }

        return (new ValidPrivacyRequest(id.ToString("D"), regulation, type, mode, submitted, identities!, urls!,
            Hash(regulation, type, mode, identities!)), null);
    }

    private static (string? Mode, string? Error) Mode(string type, string? given)
    {
        var mode = given?.Trim().ToLowerInvariant();
        if (type != PrivacyRequestTypes.Erasure)
        {
            return string.IsNullOrEmpty(mode) ? (null, null) : (null, "suppression_mode applies to erasure requests only");
        }

        if (string.IsNullOrEmpty(mode))
        {
            return (SuppressionModes.SuppressWithDelete, null);
        }

        return SuppressionModes.All.Contains(mode)
            ? (mode, null)
            : (null, $"suppression_mode \"{PrivacyRequestSubmission.Clip(given!)}\" is not supported: use {string.Join(", ", SuppressionModes.All)}");
    }

    private (List<SubjectIdentity>? Identities, string? Error) Identities(IReadOnlyList<SubmittedIdentity>? given)
    {
        if (given is null || given.Count == 0)
        {
            return (null, "subject_identities must name at least one identity of the subject");
        }

        if (given.Count > MaxIdentities)
        {
            return (null, $"subject_identities may name at most {MaxIdentities} identities");
        }

        var identities = new List<SubjectIdentity>();
        for (var i = 0; i < given.Count; i++)
        {
            var (type, value, format) = (given[i].Type?.Trim(), given[i].Value, given[i].Format?.Trim());
            if (string.IsNullOrEmpty(type))
            {
                return (null, $"subject_identities[{i}].identity_type is required");
            }

            if (!SupportedIdentityTypes.Contains(type))
            {
                return (null, $"subject_identities[{i}].identity_type \"{PrivacyRequestSubmission.Clip(type)}\" is not supported: use one of "
                    + string.Join(", ", SupportedIdentityTypes));
            }

            if (!string.IsNullOrEmpty(format) && !string.Equals(format, "raw", StringComparison.OrdinalIgnoreCase))
            {
                return (null, $"subject_identities[{i}].identity_format \"{PrivacyRequestSubmission.Clip(format)}\" is not supported: send raw values");
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                return (null, $"subject_identities[{i}].identity_value is required");
            }

            // Never echo the value: it is personal data and error messages end up in logs.
            var normalized = value.Length > MaxValueLength ? null : _extractor.Normalize(type, value);
            if (normalized is null)
            {
                return (null, $"subject_identities[{i}].identity_value is not a valid {type} (malformed, too long or a blocked placeholder)");
            }

            var identity = new SubjectIdentity(type, normalized);
            if (!identities.Contains(identity))
            {
                identities.Add(identity);
            }
        }

        identities.Sort((a, b) => string.CompareOrdinal(a.Type + ":" + a.Value, b.Type + ":" + b.Value));
        return (identities, null);
    }

    private static (List<string>? Urls, string? Error) CallbackUrls(IReadOnlyList<string>? given)
    {
        if (given is null)
        {
            return ([], null);
        }

        if (given.Count > MaxCallbackUrls)
        {
            return (null, $"status_callback_urls may list at most {MaxCallbackUrls} URLs");
        }

        for (var i = 0; i < given.Count; i++)
        {
            if (given[i] is not { Length: > 0 and <= MaxUrlLength } text || !Uri.TryCreate(text, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                return (null, $"status_callback_urls[{i}] must be an absolute http or https URL");
            }
        }

        return (given.Distinct(StringComparer.Ordinal).ToList(), null);
    }

    /// <summary>
    /// Keyed with the pepper rather than a plain SHA-256: the canonical request contains emails and phone numbers,
    /// which a plain hash would give away to anyone who guesses them.
    /// </summary>
    private string Hash(string regulation, string type, string? mode, List<SubjectIdentity> identities)
    {
        var canonical = new StringBuilder("privacy-request\n")
            .Append(regulation).Append('\n').Append(type).Append('\n').Append(mode).Append('\n');
        foreach (var identity in identities)
        {
            // Length-prefixed, so no value can imitate the separator.
            canonical.Append(identity.Type).Append(':').Append(identity.Value.Length).Append(':').Append(identity.Value).Append('\n');
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(_pepper, Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    private static (ValidPrivacyRequest? Request, string? Error) Fail(string error) => (null, error);
}
