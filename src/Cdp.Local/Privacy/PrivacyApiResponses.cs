using System.Text.Json.Serialization;
using Cdp.Core.Privacy;

namespace Cdp.Local.Privacy;

/// <summary>
/// A request's status as the API answers it: Core's OpenDSR status, with <c>results_url</c> for access and portability and
/// <c>certificate_url</c> (our extension) for a completed erasure. No identities: a status poll never echoes personal data.
/// </summary>
public sealed record PrivacyStatusResponse
{
    public string ApiVersion { get; init; } = OpenDsrStatus.Version;
    public required string ControllerId { get; init; }
    public required string SubjectRequestId { get; init; }
    public required string SubjectRequestType { get; init; }
    public required string Regulation { get; init; }
    public required string RequestStatus { get; init; }
    public DateTimeOffset SubmittedTime { get; init; }
    public DateTimeOffset ReceivedTime { get; init; }
    public DateTimeOffset ExpectedCompletionTime { get; init; }
    public DateTimeOffset? CompletedTime { get; init; }
    public string? ResultsUrl { get; init; }
    public string? CertificateUrl { get; init; }
    public string? SuppressionMode { get; init; }
    public string? ProcessingError { get; init; }

    public static string CertificateUrlFor(string requestId) => $"/api/privacy/requests/{requestId}/certificate";

    public static PrivacyStatusResponse From(OpenDsrStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var erasure = status.SubjectRequestType == PrivacyRequestTypes.Erasure;
        var completed = status.RequestStatus == PrivacyRequestStatuses.Completed;
        return new PrivacyStatusResponse
        {
            ApiVersion = status.ApiVersion,
            ControllerId = status.ControllerId,
            SubjectRequestId = status.SubjectRequestId,
            SubjectRequestType = status.SubjectRequestType,
            Regulation = status.Regulation,
            RequestStatus = status.RequestStatus,
            SubmittedTime = status.SubmittedTime,
            ReceivedTime = status.ReceivedTime,
            ExpectedCompletionTime = status.ExpectedCompletionTime,
            CompletedTime = status.CompletedTime,
            ResultsUrl = erasure ? null : status.ResultsUrl,
            CertificateUrl = erasure && completed ? CertificateUrlFor(status.SubjectRequestId) : null,
            SuppressionMode = status.SuppressionMode,
            ProcessingError = status.ProcessingError,
        };
    }
}

/// <summary>A page of requests, newest received first; pass <see cref="Continuation"/> back for the next one.</summary>
public sealed record PrivacyRequestList(IReadOnlyList<PrivacyStatusResponse> Requests, string? Continuation);

/// <summary>The suppression list at a glance: identities listed, and events dropped at ingest because of them.</summary>
public sealed record SuppressionSummary(long SuppressedIdentities, long SuppressedEvents);

/// <summary>The body of an OpenDSR status callback (one per callback URL, which it names).</summary>
public sealed record OpenDsrCallback
{
    public string ApiVersion { get; init; } = OpenDsrStatus.Version;
    public required string ControllerId { get; init; }
    public required string SubjectRequestId { get; init; }
    public required string RequestStatus { get; init; }
    public required string StatusCallbackUrl { get; init; }
    public DateTimeOffset StatusTime { get; init; }
    public DateTimeOffset? ExpectedCompletionTime { get; init; }
    public string? SubjectRequestType { get; init; }
    public string? ResultsUrl { get; init; }
    public string? CertificateUrl { get; init; }

    public static OpenDsrCallback For(PrivacyStatusChange change, PrivacyRequest? request, string callbackUrl, string controllerId)
    {
        ArgumentNullException.ThrowIfNull(change);
        var erasure = request?.Type == PrivacyRequestTypes.Erasure;
        var completed = change.Status == PrivacyRequestStatuses.Completed;
        return new OpenDsrCallback
        {
            ControllerId = controllerId,
            SubjectRequestId = change.RequestId,
            RequestStatus = change.Status,
            StatusCallbackUrl = callbackUrl,
            StatusTime = change.At,
            ExpectedCompletionTime = request?.ExpectedCompletionTime,
            SubjectRequestType = request?.Type,
            ResultsUrl = erasure ? null : change.ResultsUrl,
            CertificateUrl = erasure && completed ? PrivacyStatusResponse.CertificateUrlFor(change.RequestId) : null,
        };
    }
}

/// <summary>Source-generated serializers for the privacy API's own bodies: snake_case, as OpenDSR names its fields.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PrivacyStatusResponse))]
[JsonSerializable(typeof(PrivacyRequestList))]
[JsonSerializable(typeof(SuppressionSummary))]
[JsonSerializable(typeof(OpenDsrCallback))]
public sealed partial class PrivacyApiJsonContext : JsonSerializerContext;
