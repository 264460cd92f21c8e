using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

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
