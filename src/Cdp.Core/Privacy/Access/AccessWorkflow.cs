using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>
/// Access and portability requests: resolve the subject like an erasure does, gather everything held on them into a
/// package in <c>access-packages</c>, complete the request with a results URL and remove the identities from it.
/// </summary>
public sealed class AccessWorkflow : IWorkflow<PrivacyWorkflowInput, PrivacyWorkflowOutcome>
{
    public const string WorkflowName = "PrivacyAccess";

    public string Name => WorkflowName;

    public async Task<PrivacyWorkflowOutcome> RunAsync(IOrchestrationContext context, PrivacyWorkflowInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var retry = PrivacyWorkflowSteps.Retry;
        var begin = await context.CallActivityAsync<BeginOutcome>(BeginPrivacyRequestActivity.ActivityName, input, retry);
        if (!begin.Proceed)
        {
            return new PrivacyWorkflowOutcome(input.RequestId, begin.Status);
        }

        if (begin.Started)
        {
            await PrivacyWorkflowSteps.NotifyAsync(context, input.RequestId, PrivacyRequestStatuses.InProgress);
        }

        try
        {
            var resolved = await context.CallActivityAsync<ResolvedSubject>(ResolveSubjectActivity.ActivityName, input, retry);
            var files = await context.CallActivityAsync<List<DocumentRef>>(BuildAccessPackageActivity.ActivityName, input, retry);
            await context.CallActivityAsync<bool>(CompletePrivacyRequestActivity.ActivityName,
                new CompletionStep(input.RequestId, input.Attempt, context.CurrentUtcDateTime, files, $"{resolved.Profiles} profile(s)"), retry);
        }
        catch (WorkflowActivityFailedException e)
        {
            await context.CallActivityAsync<bool>(RecordPrivacyFailureActivity.ActivityName,
                new FailureStep(input.RequestId, input.Attempt, $"{e.ActivityName}: {e.Error}"), retry);
            throw;
        }

        await PrivacyWorkflowSteps.NotifyAsync(context, input.RequestId, PrivacyRequestStatuses.Completed);
        return new PrivacyWorkflowOutcome(input.RequestId, PrivacyRequestStatuses.Completed);
    }
}
