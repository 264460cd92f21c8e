using System.Text.Json.Serialization;

namespace Cdp.Core.Privacy;

/// <summary>
/// OpenDSR v3 as both hosts speak it. The field names are those of the OpenDSR specification
/// (https://github.com/opengdpr/OpenDSR, specification.md §5–§9) and of mParticle's "Data Subject Request API Version 3"
/// (https://docs.mparticle.com/developers/apis/dsr-api/v3/), which adds the <c>subject_identities</c> map,
/// <c>api_version</c> 3.0 and <c>group_id</c>. Fields of ours that neither defines are marked "extension" and are only
/// ever added beside the standard ones, so an OpenDSR client that ignores unknown fields reads every answer as v3.
/// </summary>
public static class OpenDsr
{
    public const string Version = "3.0";

    /// <summary>On every status callback: its signature (see <see cref="SignedStatusNotifier"/> for the scheme).</summary>
    public const string SignatureHeader = "X-OpenDSR-Signature";

    /// <summary>On every status callback: the domain receivers know this deployment by (<c>Cdp:Privacy:ProcessorDomain</c>).</summary>
    public const string ProcessorDomainHeader = "X-OpenDSR-Processor-Domain";
}

/// <summary>The URLs of a request and its results: the one rule the API's answers and the status callbacks share.</summary>
public static class PrivacyLinks
{
    public static string Request(string requestId) => "/api/privacy/requests/" + requestId;

    public static string Results(string requestId) => Request(requestId) + "/results";

    public static string Certificate(string requestId) => Request(requestId) + "/certificate";

    /// <summary>
    /// <c>results_url</c> is v3's download link for access and portability (null until completed); an erasure's result is
    /// its certificate, named by <c>certificate_url</c> (extension) once the erasure is completed.
    /// </summary>
    /// <param name="resultsUrl">What the request stores: set when it completes.</param>
    public static (string? ResultsUrl, string? CertificateUrl) Of(string requestId, string? type, string status, string? resultsUrl)
    {
        var erasure = type == PrivacyRequestTypes.Erasure;
        return (erasure ? null : resultsUrl, erasure && status == PrivacyRequestStatuses.Completed ? Certificate(requestId) : null);
    }
}

/// <summary>
/// A request's status: the body of <c>GET /api/privacy/requests/{id}</c>, of each listed request, and of a submission's
/// 201 (with <see cref="EncodedRequest"/>). No identities: a status poll never echoes personal data.
/// </summary>
public sealed record OpenDsrStatus
{
    public string ApiVersion { get; init; } = OpenDsr.Version;

    public required string ControllerId { get; init; }

    public required string SubjectRequestId { get; init; }

    /// <summary>v3: written as null when the request named no group, as mParticle's answers do.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? GroupId { get; init; }

    public required string RequestStatus { get; init; }

    public DateTimeOffset ReceivedTime { get; init; }

    public DateTimeOffset ExpectedCompletionTime { get; init; }

    /// <summary>v3: null unless a completed access or portability request (see <see cref="PrivacyLinks.Of"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ResultsUrl { get; init; }

    /// <summary>
    /// Submission answers only (OpenDSR §7.3): the body exactly as received, base64, as the requester's receipt. It is the
    /// requester's own body handed back to them; nothing stores it, and no status poll, list or callback carries it.
    /// </summary>
    public string? EncodedRequest { get; init; }

    /// <summary>Extension.</summary>
    public required string SubjectRequestType { get; init; }

    /// <summary>Extension.</summary>
    public required string Regulation { get; init; }

    /// <summary>Extension.</summary>
    public DateTimeOffset SubmittedTime { get; init; }

    /// <summary>Extension.</summary>
    public DateTimeOffset? CompletedTime { get; init; }

    /// <summary>Extension: where a completed erasure's certificate is served.</summary>
    public string? CertificateUrl { get; init; }

    /// <summary>Extension: the suppression mode of an erasure request.</summary>
    public string? SuppressionMode { get; init; }

    /// <summary>Extension: why the last run failed while the request stays in progress (re-submit to retry).</summary>
    public string? ProcessingError { get; init; }

    public static OpenDsrStatus From(PrivacyRequest request, string controllerId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (results, certificate) = PrivacyLinks.Of(request.Id, request.Type, request.Status, request.ResultsUrl);
        return new OpenDsrStatus
        {
            ControllerId = controllerId,
            SubjectRequestId = request.Id,
            GroupId = request.GroupId,
            RequestStatus = request.Status,
            ReceivedTime = request.ReceivedTime,
            ExpectedCompletionTime = request.ExpectedCompletionTime,
            ResultsUrl = results,
            SubjectRequestType = request.Type,
            Regulation = request.Regulation,
            SubmittedTime = request.SubmittedTime,
            CompletedTime = request.CompletedTime,
            CertificateUrl = certificate,
            SuppressionMode = request.SuppressionMode,
            ProcessingError = request.Error,
        };
    }
}

/// <summary>The answer to <c>DELETE /api/privacy/requests/{id}</c> (OpenDSR §9.2, mParticle v3 "Cancel a Request").</summary>
public sealed record OpenDsrCancellation
{
    public string ApiVersion { get; init; } = OpenDsr.Version;

    public required string ControllerId { get; init; }

    public required string SubjectRequestId { get; init; }

    /// <summary>When the cancellation was received (the first one, for a request cancelled before).</summary>
    public DateTimeOffset ReceivedTime { get; init; }

    /// <summary>v3: null for a cancelled request.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? ExpectedCompletionTime { get; init; }

    /// <summary>Extension: always <c>cancelled</c>.</summary>
    public string RequestStatus { get; init; } = PrivacyRequestStatuses.Cancelled;

    public static OpenDsrCancellation From(PrivacyRequest request, string controllerId)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new OpenDsrCancellation
        {
            ControllerId = controllerId,
            SubjectRequestId = request.Id,
            ReceivedTime = request.CancelledTime ?? request.ReceivedTime,
        };
    }
}

/// <summary>
/// The body of a status callback (OpenDSR §8.6, mParticle v3 "Callbacks"), one per callback URL, which it names so the
/// receiver can check the callback was meant for it. Ids, status and times; never the subject.
/// </summary>
public sealed record OpenDsrCallback
{
    public string ApiVersion { get; init; } = OpenDsr.Version;

    public required string ControllerId { get; init; }

    public required string SubjectRequestId { get; init; }

    public required string RequestStatus { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? ExpectedCompletionTime { get; init; }

    public required string StatusCallbackUrl { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ResultsUrl { get; init; }

    public string? GroupId { get; init; }

    /// <summary>Extension.</summary>
    public string? SubjectRequestType { get; init; }

    /// <summary>Extension: when the status changed.</summary>
    public DateTimeOffset StatusTime { get; init; }

    /// <summary>Extension: where a completed erasure's certificate is served.</summary>
    public string? CertificateUrl { get; init; }

    public static OpenDsrCallback For(PrivacyStatusChange change, string callbackUrl, string controllerId)
    {
        ArgumentNullException.ThrowIfNull(change);
        var (results, certificate) = PrivacyLinks.Of(change.RequestId, change.Type, change.Status, change.ResultsUrl);
        return new OpenDsrCallback
        {
            ControllerId = controllerId,
            SubjectRequestId = change.RequestId,
            RequestStatus = change.Status,
            ExpectedCompletionTime = change.ExpectedCompletionTime,
            StatusCallbackUrl = callbackUrl,
            ResultsUrl = results,
            GroupId = change.GroupId,
            SubjectRequestType = change.Type,
            StatusTime = change.At,
            CertificateUrl = certificate,
        };
    }
}

/// <summary>A page of requests, newest received first (extension: v3 only lists by group); pass <see cref="Continuation"/> back.</summary>
public sealed record OpenDsrRequestList(IReadOnlyList<OpenDsrStatus> Requests, string? Continuation);

/// <summary>
/// The discovery document (<c>GET /api/privacy/discovery</c>, OpenDSR §6.3). It has no <c>processor_certificate</c>:
/// callbacks are signed with a shared secret, not a certificate (see <see cref="SignedStatusNotifier"/>).
/// </summary>
public sealed record OpenDsrDiscovery
{
    public string ApiVersion { get; init; } = OpenDsr.Version;

    /// <summary>Extension.</summary>
    public required string ControllerId { get; init; }

    public required IReadOnlyList<OpenDsrIdentityType> SupportedIdentities { get; init; }

    public required IReadOnlyList<string> SupportedSubjectRequestTypes { get; init; }

    /// <summary>Extension.</summary>
    public required IReadOnlyList<string> SupportedRegulations { get; init; }

    /// <summary>Extension: values of the optional top-level <c>suppression_mode</c> of erasure requests.</summary>
    public required IReadOnlyList<string> SupportedSuppressionModes { get; init; }
}

public sealed record OpenDsrIdentityType(string IdentityType, string IdentityFormat);

/// <summary>Source-generated serializers for the OpenDSR bodies on the wire: snake_case, as OpenDSR names its fields.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OpenDsrStatus))]
[JsonSerializable(typeof(OpenDsrCancellation))]
[JsonSerializable(typeof(OpenDsrCallback))]
[JsonSerializable(typeof(OpenDsrRequestList))]
[JsonSerializable(typeof(OpenDsrDiscovery))]
[JsonSerializable(typeof(SuppressionSummary))]
public sealed partial class OpenDsrJsonContext : JsonSerializerContext;
