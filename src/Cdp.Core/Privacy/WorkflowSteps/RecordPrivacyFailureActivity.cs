using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

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
