using Cdp.Core.Privacy;
using Microsoft.Azure.Functions.Worker;

namespace Cdp.Functions.Privacy;

/// <summary>The steps both privacy workflows share: start, resolve the subject, announce a status, complete, record a failure.</summary>
public sealed class PrivacyRequestStepFunctions(
    BeginPrivacyRequestActivity begin,
    ResolveSubjectActivity resolve,
    NotifyPrivacyStatusActivity notify,
    CompletePrivacyRequestActivity complete,
    RecordPrivacyFailureActivity recordFailure)
{
    [Function(BeginPrivacyRequestActivity.ActivityName)]
    public Task<BeginOutcome> Begin([ActivityTrigger] PrivacyWorkflowInput input, CancellationToken cancellationToken) =>
        begin.RunAsync(input, cancellationToken);

    [Function(ResolveSubjectActivity.ActivityName)]
    public Task<ResolvedSubject> Resolve([ActivityTrigger] PrivacyWorkflowInput input, CancellationToken cancellationToken) =>
        resolve.RunAsync(input, cancellationToken);

    [Function(NotifyPrivacyStatusActivity.ActivityName)]
    public Task<bool> Notify([ActivityTrigger] StatusStep input, CancellationToken cancellationToken) =>
        notify.RunAsync(input, cancellationToken);

    [Function(CompletePrivacyRequestActivity.ActivityName)]
    public Task<bool> Complete([ActivityTrigger] CompletionStep input, CancellationToken cancellationToken) =>
        complete.RunAsync(input, cancellationToken);

    [Function(RecordPrivacyFailureActivity.ActivityName)]
    public Task<bool> RecordFailure([ActivityTrigger] FailureStep input, CancellationToken cancellationToken) =>
        recordFailure.RunAsync(input, cancellationToken);
}
