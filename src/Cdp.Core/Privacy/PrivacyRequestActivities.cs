using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Workflows;

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

/// <summary>Shared by the privacy workflows: their retry policy and the step that tells callbacks about a new status.</summary>
public static class PrivacyWorkflowSteps
{
    /// <summary>Store calls fail transiently; an erasure must ride out a longer outage than a merge before giving up.</summary>
    public static readonly ActivityRetry Retry = new(8, TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromMinutes(2));

    /// <summary>Callbacks are best effort: a status callback must never stop a request.</summary>
    public static async Task NotifyAsync(IOrchestrationContext context, string requestId, string status)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await context.CallActivityAsync<bool>(NotifyPrivacyStatusActivity.ActivityName, new StatusStep(requestId, status), Retry);
        }
        catch (WorkflowActivityFailedException e)
        {
            PrivacyLog.NotifyFailed(context.CreateReplaySafeLogger("Cdp.Core.Privacy.Workflows"), requestId, status, e.Error);
        }
    }
}

/// <summary>Reads and writes request documents with ETag retries, and writes audit lines of workflow steps.</summary>
public sealed class PrivacyRequestDocuments(IPrivacyRequestStore store, IPrivacyAuditLog audit, TimeProvider time)
{
    private const int MaxWriteAttempts = 20;

    /// <summary>The actor recorded for workflow steps.</summary>
    public const string WorkflowActor = "workflow";

    public async Task<PrivacyRequest> GetAsync(string requestId, CancellationToken cancellationToken) =>
        (await store.GetAsync(requestId, cancellationToken))?.Value
        ?? throw new InvalidOperationException($"privacy request {requestId} does not exist");

    /// <summary>Applies <paramref name="change"/> (null: nothing to write) and writes, re-reading after a lost race.</summary>
    public async Task<PrivacyRequest> UpdateAsync(string requestId, Func<PrivacyRequest, PrivacyRequest?> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            var read = await store.GetAsync(requestId, cancellationToken)
                ?? throw new InvalidOperationException($"privacy request {requestId} does not exist");
            if (change(read.Value) is not { } changed)
            {
                return read.Value;
            }

            try
            {
                await store.ReplaceAsync(changed, read.ETag, cancellationToken);
                return changed;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxWriteAttempts)
            {
            }
        }
    }

    /// <summary>Appends an audit line for a workflow step; once per request, attempt and action.</summary>
    public Task AuditAsync(string requestId, int attempt, string action, string outcome, string? detail, CancellationToken cancellationToken) =>
        audit.AppendAsync(new PrivacyAuditEntry($"{requestId}/{attempt}/{action}", time.GetUtcNow(), requestId, action, WorkflowActor, outcome, detail),
            cancellationToken);
}

/// <summary>Moves a pending request to in progress; tells the workflow to stop if it was cancelled meanwhile.</summary>
public sealed class BeginPrivacyRequestActivity(PrivacyRequestDocuments requests, TimeProvider time) : IActivity<PrivacyWorkflowInput, BeginOutcome>
{
    public const string ActivityName = "BeginPrivacyRequest";

    public string Name => ActivityName;

    public async Task<BeginOutcome> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var started = false;
        var request = await requests.UpdateAsync(input.RequestId, r =>
        {
            started = r.Status == PrivacyRequestStatuses.Pending;
            return started ? r with { Status = PrivacyRequestStatuses.InProgress, StartedTime = time.GetUtcNow() } : null;
        }, cancellationToken);
        var proceed = request.Status == PrivacyRequestStatuses.InProgress && request.Attempt == input.Attempt;
        if (proceed)
        {
            await requests.AuditAsync(input.RequestId, input.Attempt, "started", PrivacyAuditOutcomes.Succeeded, $"attempt {input.Attempt}", cancellationToken);
        }

        return new BeginOutcome(proceed, started, request.Status, request.Type, request.SuppressionMode);
    }
}

/// <summary>Posts a status change to the request's callback URLs (through the host's notifier).</summary>
public sealed class NotifyPrivacyStatusActivity(PrivacyRequestDocuments requests, IPrivacyStatusNotifier notifier, TimeProvider time)
    : IActivity<StatusStep, bool>
{
    public const string ActivityName = "NotifyPrivacyStatus";

    public string Name => ActivityName;

    public async Task<bool> RunAsync(StatusStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        if (request.StatusCallbackUrls.Count == 0)
        {
            return false;
        }

        await notifier.NotifyAsync(
            new PrivacyStatusChange(request.Id, input.Status, time.GetUtcNow(), request.ResultsUrl, request.StatusCallbackUrls), cancellationToken);
        return true;
    }
}

/// <summary>
/// Finds every profile the subject's identities reach: the linked profiles, the profiles they were merged into and the
/// tombstones merged into them, then the identifiers and raw archive files those profiles hold, until nothing new turns
/// up. What it finds is added to the request document (so a later round or attempt still knows it); it returns counts.
/// </summary>
public sealed class ResolveSubjectActivity(PrivacyRequestDocuments requests, IIdentityIndex identities, IProfileStore profiles, SubjectMatchers matchers)
    : IActivity<PrivacyWorkflowInput, ResolvedSubject>
{
    public const string ActivityName = "ResolveSubject";
    private const int MaxProfiles = 10_000;
    private const int MaxRounds = 10;

    public string Name => ActivityName;

    public async Task<ResolvedSubject> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var known = request.AllIdentities().ToList();
        var linked = new List<SubjectIdentity>(request.LinkedIdentities);
        var profileIds = new HashSet<string>(request.ProfileIds, StringComparer.Ordinal);
        var rawBlobs = new List<string>(request.RawBlobs);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(request.ProfileIds);
        var lookedUp = 0;
        for (var round = 0; round < MaxRounds && lookedUp < known.Count; round++)
        {
            foreach (var identity in known.Skip(lookedUp).ToList())
            {
                if (await identities.GetAsync(matchers.IdentityId(identity), cancellationToken) is { } link)
                {
                    queue.Enqueue(link.Value.ProfileId);
                }
            }

            lookedUp = known.Count;
            while (queue.TryDequeue(out var id))
            {
                if (!visited.Add(id))
                {
                    continue;
                }

                if (visited.Count > MaxProfiles)
                {
                    throw new InvalidOperationException($"privacy request {input.RequestId} reaches more than {MaxProfiles} profiles");
                }

                profileIds.Add(id);
                if (await profiles.GetAsync(id, cancellationToken) is not { } read)
                {
                    continue;
                }

                Visit(read.Value, queue, known, linked, rawBlobs);
            }
        }

        var added = linked.Count > request.LinkedIdentities.Count || profileIds.Count > request.ProfileIds.Count || rawBlobs.Count > request.RawBlobs.Count;
        if (added)
        {
            await requests.UpdateAsync(input.RequestId, r => r with
            {
                LinkedIdentities = r.LinkedIdentities.Union(linked).ToList(),
                ProfileIds = r.ProfileIds.Union(profileIds).ToList(),
                RawBlobs = r.RawBlobs.Union(rawBlobs).ToList(),
            }, cancellationToken);
        }

        await requests.AuditAsync(input.RequestId, input.Attempt, "resolved", PrivacyAuditOutcomes.Succeeded,
            $"{profileIds.Count} profile(s), {known.Count} identifier(s), {rawBlobs.Count} raw file(s)", cancellationToken);
        return new ResolvedSubject(profileIds.Count, known.Count, rawBlobs.Count);
    }

    private static void Visit(Profile profile, Queue<string> queue, List<SubjectIdentity> known, List<SubjectIdentity> linked, List<string> rawBlobs)
    {
        if (profile.MergedInto is { } survivor)
        {
            queue.Enqueue(survivor);
        }

        foreach (var entry in profile.History)
        {
            if (entry is { Kind: HistoryKinds.MergedFrom, OtherProfileId: { } loser })
            {
                queue.Enqueue(loser);
            }
        }

        foreach (var identifier in profile.Identifiers)
        {
            var identity = new SubjectIdentity(identifier.Type, identifier.Value);
            if (!known.Contains(identity))
            {
                known.Add(identity);
                linked.Add(identity);
            }
        }

        foreach (var blob in profile.RawBlobs)
        {
            if (!rawBlobs.Contains(blob))
            {
                rawBlobs.Add(blob);
            }
        }
    }
}

/// <summary>Marks the request completed with its results and removes the subject from it.</summary>
public sealed class CompletePrivacyRequestActivity(PrivacyRequestDocuments requests) : IActivity<CompletionStep, bool>
{
    public const string ActivityName = "CompletePrivacyRequest";

    public string Name => ActivityName;

    public async Task<bool> RunAsync(CompletionStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var completedNow = false;
        await requests.UpdateAsync(input.RequestId, r =>
        {
            if (r.Status != PrivacyRequestStatuses.InProgress)
            {
                return null;
            }

            completedNow = true;
            return r.WithoutSubject() with
            {
                Status = PrivacyRequestStatuses.Completed,
                CompletedTime = input.CompletedAt,
                Error = null,
                Results = [.. input.Results],
                ResultsUrl = PrivacyRequests.ResultsUrlFor(r.Id),
            };
        }, cancellationToken);
        await requests.AuditAsync(input.RequestId, input.Attempt, "completed", PrivacyAuditOutcomes.Succeeded, input.Detail, cancellationToken);
        return completedNow;
    }
}

/// <summary>Records why a workflow run failed: the request stays in progress (re-submitting it starts the next attempt).</summary>
public sealed class RecordPrivacyFailureActivity(PrivacyRequestDocuments requests) : IActivity<FailureStep, bool>
{
    public const string ActivityName = "RecordPrivacyFailure";
    private const int MaxErrorLength = 500;

    public string Name => ActivityName;

    public async Task<bool> RunAsync(FailureStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var error = input.Error.Length > MaxErrorLength ? input.Error[..MaxErrorLength] : input.Error;
        await requests.UpdateAsync(input.RequestId, r => r.Status == PrivacyRequestStatuses.InProgress ? r with { Error = error } : null, cancellationToken);
        await requests.AuditAsync(input.RequestId, input.Attempt, "failed", PrivacyAuditOutcomes.Failed, error, cancellationToken);
        return true;
    }
}
