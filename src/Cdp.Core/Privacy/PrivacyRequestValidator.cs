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
    string RequestHash)
{
    /// <summary>The v3 <c>group_id</c>, if any (not part of <see cref="RequestHash"/>: it labels a request, it does not change it).</summary>
    public string? GroupId { get; init; }
}

/// <summary>Checks a submission field by field and says exactly what is wrong; normalizes what is right.</summary>
public sealed class PrivacyRequestValidator
{
    public const int MaxIdentities = 50;
    public const int MaxCallbackUrls = 10;
    public const int MaxGroupIdLength = 200;
    private const int MaxValueLength = 1_000;
    private const int MaxUrlLength = 2_000;

    /// <summary>OpenDSR's identity type for the controller's own customer id: what Segment sources send as <c>userId</c>.</summary>
    public const string ControllerCustomerId = "controller_customer_id";

    /// <summary>OpenDSR's identity encodings (spec §5.2). Only raw values can be matched: identities are stored under keyed hashes.</summary>
    public static readonly IReadOnlyList<string> OpenDsrEncodings = ["raw", "sha1", "md5", "sha256"];

    /// <summary>The OpenDSR identity types read as one of ours (spec §5.1), for compliance tools that only speak OpenDSR.</summary>
    public static readonly IReadOnlyDictionary<string, string> OpenDsrAliases =
        new Dictionary<string, string>(StringComparer.Ordinal) { [ControllerCustomerId] = IdentifierTypes.UserId };

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

        if (ApiVersionError(submission.ApiVersion) is { } versionError)
        {
            return Fail(versionError);
        }

        var groupId = submission.GroupId?.Trim();
        if (groupId is { Length: 0 or > MaxGroupIdLength })
        {
            return Fail($"group_id must be 1 to {MaxGroupIdLength} characters");
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
            Hash(regulation, type, mode, identities!)) { GroupId = groupId }, null);
    }

    /// <summary>
    /// Versions 1.x to 3.x are read (every identity form of theirs is); the answers are always v3. A later major version
    /// may mean fields this API would silently misread, so it is refused.
    /// </summary>
    private static string? ApiVersionError(string? given)
    {
        var version = given?.Trim();
        if (string.IsNullOrEmpty(version))
        {
            return null;
        }

        var major = version.Split('.')[0];
        return major is "1" or "2" or "3" && (version.Length == 1 || Version.TryParse(version, out _))
            ? null
            : $"api_version \"{PrivacyRequestSubmission.Clip(version)}\" is not supported: use {OpenDsr.Version}";
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
            var (identity, error) = Identity(given[i], i);
            if (error is not null)
            {
                return (null, error);
            }

            if (!identities.Contains(identity!))
            {
                identities.Add(identity!);
            }
        }

        identities.Sort((a, b) => string.CompareOrdinal(a.Type + ":" + a.Value, b.Type + ":" + b.Value));
        return (identities, null);
    }

    /// <summary>One identity, normalized; errors name its JSON path and never echo its value (error messages end up in logs).</summary>
    private (SubjectIdentity? Identity, string? Error) Identity(SubmittedIdentity given, int index)
    {
        var (typeField, valueField, formatField) = given.Fields(index);
        var (givenType, value, format) = (given.Type?.Trim(), given.Value, given.Format?.Trim());
        if (string.IsNullOrEmpty(givenType))
        {
            return (null, $"{typeField} is required");
        }

        var type = SupportedIdentityTypes.Contains(givenType) ? givenType : OpenDsrAliases.GetValueOrDefault(givenType);
        if (type is null)
        {
            var supported = string.Join(", ", SupportedIdentityTypes.Concat(OpenDsrAliases.Keys));
            return (null, given.FromMap
                ? $"{typeField} names an identity type that is not supported: use one of {supported}"
                : $"{typeField} \"{PrivacyRequestSubmission.Clip(givenType)}\" is not supported: use one of {supported}");
        }

        if (!string.IsNullOrEmpty(format) && !string.Equals(format, "raw", StringComparison.OrdinalIgnoreCase))
        {
            var clipped = PrivacyRequestSubmission.Clip(format);
            return (null, OpenDsrEncodings.Contains(format.ToLowerInvariant())
                ? $"{formatField} \"{clipped}\" is not supported: send raw values (identities are matched by keyed hashes of raw values)"
                : $"{formatField} \"{clipped}\" is not an OpenDSR encoding ({string.Join(", ", OpenDsrEncodings)}): send raw values");
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            return (null, $"{valueField} is required");
        }

        var normalized = value.Length > MaxValueLength ? null : _extractor.Normalize(type, value);
        return normalized is null
            ? (null, $"{valueField} is not a valid {type} (malformed, too long or a blocked placeholder)")
            : (new SubjectIdentity(type, normalized), null);
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
