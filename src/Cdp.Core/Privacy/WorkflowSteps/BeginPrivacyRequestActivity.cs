using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

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
