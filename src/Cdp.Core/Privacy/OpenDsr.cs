using System.Text.Json.Serialization;

namespace Cdp.Core.Privacy;

/// <summary>
/// A request's status as OpenDSR v3 reports it (the body of the 201 on submit and of GET by id). No identities:
/// the response of a status poll must not echo personal data.
/// </summary>
public sealed record OpenDsrStatus
{
    public const string Version = "3.0";

    [JsonPropertyName("api_version")]
    public string ApiVersion { get; init; } = Version;

    [JsonPropertyName("controller_id")]
    public required string ControllerId { get; init; }

    [JsonPropertyName("subject_request_id")]
    public required string SubjectRequestId { get; init; }

    [JsonPropertyName("subject_request_type")]
    public required string SubjectRequestType { get; init; }

    [JsonPropertyName("regulation")]
    public required string Regulation { get; init; }

    [JsonPropertyName("request_status")]
    public required string RequestStatus { get; init; }

    [JsonPropertyName("submitted_time")]
    public DateTimeOffset SubmittedTime { get; init; }

    [JsonPropertyName("received_time")]
    public DateTimeOffset ReceivedTime { get; init; }

    [JsonPropertyName("expected_completion_time")]
    public DateTimeOffset ExpectedCompletionTime { get; init; }

    [JsonPropertyName("completed_time")]
    public DateTimeOffset? CompletedTime { get; init; }

    [JsonPropertyName("results_url")]
    public string? ResultsUrl { get; init; }

    /// <summary>Our extension: the suppression mode of an erasure request.</summary>
    [JsonPropertyName("suppression_mode")]
    public string? SuppressionMode { get; init; }

    /// <summary>Our extension: why the last run failed while the request stays in progress (re-submit to retry).</summary>
    [JsonPropertyName("processing_error")]
    public string? ProcessingError { get; init; }

    public static OpenDsrStatus From(PrivacyRequest request, string controllerId)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new OpenDsrStatus
        {
            ControllerId = controllerId,
            SubjectRequestId = request.Id,
            SubjectRequestType = request.Type,
            Regulation = request.Regulation,
            RequestStatus = request.Status,
            SubmittedTime = request.SubmittedTime,
            ReceivedTime = request.ReceivedTime,
            ExpectedCompletionTime = request.ExpectedCompletionTime,
            CompletedTime = request.CompletedTime,
            ResultsUrl = request.ResultsUrl,
            SuppressionMode = request.SuppressionMode,
            ProcessingError = request.Error,
        };
    }
}

/// <summary>The OpenDSR discovery document (<c>GET /api/privacy/discovery</c>).</summary>
public sealed record OpenDsrDiscovery
{
    [JsonPropertyName("api_version")]
    public string ApiVersion { get; init; } = OpenDsrStatus.Version;

    [JsonPropertyName("controller_id")]
    public required string ControllerId { get; init; }

    [JsonPropertyName("supported_identities")]
    public required IReadOnlyList<OpenDsrIdentityType> SupportedIdentities { get; init; }

    [JsonPropertyName("supported_subject_request_types")]
    public required IReadOnlyList<string> SupportedSubjectRequestTypes { get; init; }

    /// <summary>Our extension.</summary>
    [JsonPropertyName("supported_regulations")]
    public required IReadOnlyList<string> SupportedRegulations { get; init; }

    /// <summary>Our extension: values of the optional top-level <c>suppression_mode</c> of erasure requests.</summary>
    [JsonPropertyName("supported_suppression_modes")]
    public required IReadOnlyList<string> SupportedSuppressionModes { get; init; }
}

public sealed record OpenDsrIdentityType(
    [property: JsonPropertyName("identity_type")] string IdentityType,
    [property: JsonPropertyName("identity_format")] string IdentityFormat);
