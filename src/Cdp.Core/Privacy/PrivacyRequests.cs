using Cdp.Core.Workflows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Privacy;

/// <summary>Expected outcomes of the privacy API, mapped to HTTP once per host.</summary>
public enum PrivacyOutcome
{
    /// <summary>201: the request was accepted and its workflow started.</summary>
    Created,

    /// <summary>200: the subject_request_id was submitted before with the same content; the stored request is returned.</summary>
    Existing,

    /// <summary>200.</summary>
    Found,

    /// <summary>200: the request is cancelled (now or before).</summary>
    Cancelled,

    /// <summary>409: an identical request is in progress, or the id was used for a different request.</summary>
    Conflict,

    /// <summary>400: the input is wrong; <see cref="PrivacyResult.Error"/> says what. Nothing was started.</summary>
    Invalid,

    /// <summary>404.</summary>
    NotFound,

    /// <summary>409: only a pending request can be cancelled.</summary>
    NotCancellable,
}

public sealed record PrivacyResult(PrivacyOutcome Outcome, PrivacyRequest? Request, string? Error)
{
    public static PrivacyResult Invalid(string error) => new(PrivacyOutcome.Invalid, null, error);

    public static PrivacyResult NotFound(string error) => new(PrivacyOutcome.NotFound, null, error);
}

/// <summary>A results file (certificate or access package) ready to serve.</summary>
public sealed record PrivacyResultsFile(byte[] Content, string ContentType, string FileName);

/// <summary>
/// The privacy request API in Core: submit (validated, idempotent by subject_request_id), read, list, cancel, and the
/// OpenDSR discovery document. Each request runs as a workflow with instance id "privacy-{subject_request_id}".
/// </summary>
public sealed partial class PrivacyRequests(
    PrivacyRequestValidator validator,
    IPrivacyRequestStore store,
    IPrivacyAuditLog audit,
    IDocumentArea documents,
    IPrivacyStatusNotifier notifier,
    IWorkflowClient workflows,
    IOptions<PrivacyOptions> options,
    TimeProvider time,
    ILogger<PrivacyRequests> logger)
{
    public const int MaxPageSize = 100;
    private const int MaxWriteAttempts = 10;
    private readonly PrivacyOptions _options = options.Value;

    /// <summary>The relative API path a host serves a request's results at.</summary>
    public static string ResultsUrlFor(string requestId) => PrivacyLinks.Results(requestId);

    /// <summary>Submits an OpenDSR request body.</summary>
    /// <param name="actorId">Who is asking (an API client or role id from authentication): recorded in the audit trail.</param>
    public Task<PrivacyResult> SubmitAsync(ReadOnlyMemory<byte> body, string actorId, CancellationToken cancellationToken)
    {
        var (submission, error) = PrivacyRequestSubmission.Parse(body);
        return submission is null ? Task.FromResult(PrivacyResult.Invalid(error!)) : SubmitAsync(submission, actorId, cancellationToken);
    }

    public async Task<PrivacyResult> SubmitAsync(PrivacyRequestSubmission submission, string actorId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        var (valid, error) = validator.Validate(submission);
        if (valid is null)
        {
            return PrivacyResult.Invalid(error!);
        }

        for (var attempt = 1; ; attempt++)
        {
            if (await store.GetAsync(valid.Id, cancellationToken) is { } existing)
            {
                if (existing.Value.RequestHash != valid.RequestHash)
                {
                    return new PrivacyResult(PrivacyOutcome.Conflict, null,
                        $"subject_request_id {valid.Id} was already used for a different request");
                }

                return new PrivacyResult(PrivacyOutcome.Existing, await EnsureRunningAsync(existing, cancellationToken), null);
            }

            if (await store.FindUnfinishedByHashAsync(valid.RequestHash, cancellationToken) is { } identical)
            {
                return new PrivacyResult(PrivacyOutcome.Conflict, null,
                    $"an identical request ({identical.Id}) is {identical.Status}; wait for it to complete");
            }

            var request = NewRequest(valid, actorId);
            try
            {
                await store.CreateAsync(request, cancellationToken);
            }
            catch (ConcurrencyConflictException) when (attempt < 3)
            {
                // The same id submitted twice at once: the next round returns the one that won.
                continue;
            }

            await audit.AppendAsync(new PrivacyAuditEntry($"{request.Id}/submitted", request.ReceivedTime, request.Id, "submitted", actorId,
                PrivacyAuditOutcomes.Succeeded, $"{request.Regulation} {request.Type} {request.SuppressionMode}".TrimEnd()), cancellationToken);
            await StartAsync(request, cancellationToken);
            LogSubmitted(logger, request.Id, request.Type, request.Regulation);
            return new PrivacyResult(PrivacyOutcome.Created, request, null);
        }
    }

    public async Task<PrivacyResult> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (ParseId(id) is not { } key)
        {
            return PrivacyResult.Invalid("the request id must be a UUID");
        }

        return await store.GetAsync(key, cancellationToken) is { } read
            ? new PrivacyResult(PrivacyOutcome.Found, read.Value, null)
            : PrivacyResult.NotFound($"no privacy request {key}");
    }

    /// <summary>Requests, newest first; <paramref name="pageSize"/> is kept between 1 and <see cref="MaxPageSize"/>.</summary>
    public Task<PrivacyRequestPage> ListAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken) =>
        store.ListAsync(Math.Clamp(pageSize, 1, MaxPageSize), continuationToken, cancellationToken);

    /// <summary>Cancels a pending request; its identities are dropped at once.</summary>
    public async Task<PrivacyResult> CancelAsync(string id, string actorId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        if (ParseId(id) is not { } key)
        {
            return PrivacyResult.Invalid("the request id must be a UUID");
        }

        for (var attempt = 1; ; attempt++)
        {
            var read = await store.GetAsync(key, cancellationToken);
            if (read is not { } current)
            {
                return PrivacyResult.NotFound($"no privacy request {key}");
            }

            if (current.Value.Status == PrivacyRequestStatuses.Cancelled)
            {
                return new PrivacyResult(PrivacyOutcome.Cancelled, current.Value, null);
            }

            if (current.Value.Status != PrivacyRequestStatuses.Pending)
            {
                return new PrivacyResult(PrivacyOutcome.NotCancellable, current.Value,
                    $"the request is {current.Value.Status}; only a pending request can be cancelled");
            }

            var now = time.GetUtcNow();
            var cancelled = current.Value.WithoutSubject() with { Status = PrivacyRequestStatuses.Cancelled, CancelledTime = now };
            try
            {
                await store.ReplaceAsync(cancelled, current.ETag, cancellationToken);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxWriteAttempts)
            {
                // The workflow may just have started it: read again and decide again.
                continue;
            }

            await audit.AppendAsync(new PrivacyAuditEntry($"{key}/cancelled", now, key, "cancelled", actorId, PrivacyAuditOutcomes.Succeeded),
                cancellationToken);
            if (cancelled.StatusCallbackUrls.Count > 0)
            {
                await notifier.NotifyAsync(PrivacyStatusChange.Of(cancelled, cancelled.Status, now), cancellationToken);
            }

            return new PrivacyResult(PrivacyOutcome.Cancelled, cancelled, null);
        }
    }

    /// <summary>
    /// A completed request's results: the certificate (erasure) or the access package; for portability
    /// <paramref name="format"/> "ndjson" gives the events file. Null when there is nothing to serve (yet).
    /// </summary>
    public async Task<PrivacyResultsFile?> ReadResultsAsync(string id, string? format, CancellationToken cancellationToken)
    {
        if (ParseId(id) is not { } key || await store.GetAsync(key, cancellationToken) is not { Value: { Status: PrivacyRequestStatuses.Completed } request })
        {
            return null;
        }

        var wanted = string.Equals(format, "ndjson", StringComparison.OrdinalIgnoreCase) ? PrivacyDocuments.NdjsonContentType : PrivacyDocuments.JsonContentType;
        if (request.Results.Find(r => r.ContentType == wanted) is not { } file
            || await documents.ReadAsync(file.Area, file.Path, cancellationToken) is not { } content)
        {
            return null;
        }

        return new PrivacyResultsFile(content, file.ContentType, $"{file.Area}-{file.Path}");
    }

    /// <summary>
    /// The OpenDSR discovery document: identity types (built-in, configured, then the OpenDSR names read as one of them),
    /// request types, regulations.
    /// </summary>
    public OpenDsrDiscovery Discovery() => new()
    {
        ControllerId = _options.ControllerId,
        SupportedIdentities = validator.SupportedIdentityTypes.Concat(PrivacyRequestValidator.OpenDsrAliases.Keys)
            .Select(t => new OpenDsrIdentityType(t, "raw")).ToList(),
        SupportedSubjectRequestTypes = [.. PrivacyRequestTypes.All],
        SupportedRegulations = [.. PrivacyRegulations.All],
        SupportedSuppressionModes = [.. SuppressionModes.All],
    };

    /// <summary>The OpenDSR status view of a request (no identities).</summary>
    public OpenDsrStatus Status(PrivacyRequest request) => OpenDsrStatus.From(request, _options.ControllerId);

    /// <summary>The OpenDSR answer to a cancellation of <paramref name="request"/>.</summary>
    public OpenDsrCancellation Cancellation(PrivacyRequest request) => OpenDsrCancellation.From(request, _options.ControllerId);

    private PrivacyRequest NewRequest(ValidPrivacyRequest valid, string actorId)
    {
        var now = time.GetUtcNow();
        var days = valid.Regulation == PrivacyRegulations.Ccpa ? _options.CcpaResponseDays : _options.GdprResponseDays;
        return new PrivacyRequest
        {
            Id = valid.Id,
            Regulation = valid.Regulation,
            Type = valid.Type,
            GroupId = valid.GroupId,
            SuppressionMode = valid.SuppressionMode,
            Status = PrivacyRequestStatuses.Pending,
            SubmittedTime = valid.SubmittedTime,
            ReceivedTime = now,
            ExpectedCompletionTime = now.AddDays(days),
            RequestHash = valid.RequestHash,
            IdentityTypes = valid.Identities.Select(i => i.Type).Distinct().ToList(),
            SubjectIdentities = [.. valid.Identities],
            StatusCallbackUrls = [.. valid.StatusCallbackUrls],
            ActorId = actorId,
        };
    }

    /// <summary>
    /// Makes sure an unfinished request has a live workflow: starts it if a crash came between storing the request and
    /// starting it, and starts the next attempt if the last one failed (OpenDSR has no failed status to report instead).
    /// </summary>
    private async Task<PrivacyRequest> EnsureRunningAsync(Versioned<PrivacyRequest> read, CancellationToken cancellationToken)
    {
        var request = read.Value;
        if (request.IsFinished)
        {
            return request;
        }

        var instance = await workflows.GetAsync(request.WorkflowInstanceId(), cancellationToken);
        if (instance is { Status: not WorkflowStatus.Failed })
        {
            return request;
        }

        if (instance is not null)
        {
            request = request with { Attempt = request.Attempt + 1, Error = null };
            try
            {
                await store.ReplaceAsync(request, read.ETag, cancellationToken);
            }
            catch (ConcurrencyConflictException)
            {
                // Another caller started the next attempt just now: what is stored is the answer.
                return (await store.GetAsync(request.Id, cancellationToken))?.Value ?? request;
            }

            await audit.AppendAsync(new PrivacyAuditEntry($"{request.Id}/{request.Attempt}/retried", time.GetUtcNow(), request.Id, "retried",
                request.ActorId, PrivacyAuditOutcomes.Succeeded, $"attempt {request.Attempt}"), cancellationToken);
        }

        await StartAsync(request, cancellationToken);
        return request;
    }

    private Task<WorkflowInstance> StartAsync(PrivacyRequest request, CancellationToken cancellationToken) =>
        workflows.StartAsync(
            request.Type == PrivacyRequestTypes.Erasure ? ErasureWorkflow.WorkflowName : AccessWorkflow.WorkflowName,
            request.WorkflowInstanceId(),
            new PrivacyWorkflowInput(request.Id, request.Attempt),
            cancellationToken);

    private static string? ParseId(string? id) => Guid.TryParseExact(id?.Trim(), "D", out var guid) ? guid.ToString("D") : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Privacy request {RequestId} ({Type}, {Regulation}) accepted")]
    private static partial void LogSubmitted(ILogger logger, string requestId, string type, string regulation);
}
