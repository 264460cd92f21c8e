using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

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
