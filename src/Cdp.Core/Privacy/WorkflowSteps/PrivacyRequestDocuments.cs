
namespace Cdp.Core.Privacy;

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
