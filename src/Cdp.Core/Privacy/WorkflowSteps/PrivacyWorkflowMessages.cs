
namespace Cdp.Core.Privacy;

/// <summary>
/// What a privacy workflow and its activities are given: only the request id and attempt. The subject's identities
/// are read from the request document by the activities that need them, so the workflow history (kept after the
/// request completes) never holds personal data; activity results are counts and file names.
/// </summary>
public sealed record PrivacyWorkflowInput(string RequestId, int Attempt);

/// <summary>What a privacy workflow did.</summary>
public sealed record PrivacyWorkflowOutcome(string RequestId, string Status);

/// <summary>Whether to go on, and what kind of request it is.</summary>
/// <param name="Started">True when this call moved the request from pending to in progress (a status change to announce).</param>
public sealed record BeginOutcome(bool Proceed, bool Started, string Status, string Type, string? SuppressionMode);

public sealed record StatusStep(string RequestId, string Status);

/// <summary>How much of the subject resolving found (counts only: this lands in the workflow history).</summary>
public sealed record ResolvedSubject(int Profiles, int Identities, int RawFiles);

public sealed record CompletionStep(string RequestId, int Attempt, DateTimeOffset CompletedAt, List<DocumentRef> Results, string? Detail);

public sealed record FailureStep(string RequestId, int Attempt, string Error);
