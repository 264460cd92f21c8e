using Cdp.Core.Privacy;
using Cdp.Functions.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Cdp.Functions.Privacy;

/// <summary>The erasure workflow (written once in Core) as a Durable orchestration, with the activities only erasure uses.</summary>
public sealed class ErasureFunctions(
    ErasureWorkflow workflow,
    SuppressSubjectActivity suppress,
    UnsuppressSubjectActivity unsuppress,
    RewriteRawEventsActivity rewriteRawEvents,
    EraseTimelineActivity eraseTimeline,
    EraseProfileRecordsActivity eraseProfileRecords,
    FlagExportsActivity flagExports,
    NotifyDestinationsActivity notifyDestinations,
    EraseIdentitiesActivity eraseIdentities,
    EraseProfilesActivity eraseProfiles,
    VerifyErasureActivity verify,
    WriteErasureCertificateActivity writeCertificate)
{
    [Function(ErasureWorkflow.WorkflowName)]
    public Task<PrivacyWorkflowOutcome> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        workflow.RunAsync(new DurableOrchestrationContext(context), context.GetInput<PrivacyWorkflowInput>()!);

    [Function(SuppressSubjectActivity.ActivityName)]
    public Task<Dictionary<string, int>> Suppress([ActivityTrigger] PrivacyWorkflowInput input, CancellationToken cancellationToken) =>
        suppress.RunAsync(input, cancellationToken);

    [Function(UnsuppressSubjectActivity.ActivityName)]
    public Task<Dictionary<string, int>> Unsuppress([ActivityTrigger] PrivacyWorkflowInput input, CancellationToken cancellationToken) =>
        unsuppress.RunAsync(input, cancellationToken);

    [Function(RewriteRawEventsActivity.ActivityName)]
    public Task<Dictionary<string, int>> RewriteRawEvents([ActivityTrigger] PrivacyWorkflowInput input, CancellationToken cancellationToken) =>
        rewriteRawEvents.RunAsync(input, cancellationToken);

    [Function(EraseTimelineActivity.ActivityName)]
    public Task<Dictionary<string, int>> EraseTimeline([ActivityTrigger] PrivacyWorkflowInput input, CancellationToken cancellationToken) =>
        eraseTimeline.RunAsync(input, cancellationToken);

    [Function(EraseProfileRecordsActivity.ActivityName)]
    public Task<Dictionary<string, int>> EraseProfileRecords([ActivityTrigger] PrivacyWorkflowInput input, CancellationToken cancellationToken) =>
        eraseProfileRecords.RunAsync(input, cancellationToken);

    [Function(FlagExportsActivity.ActivityName)]
    public Task<ExportsFlagged> FlagExports([ActivityTrigger] PrivacyWorkflowInput input, CancellationToken cancellationToken) =>
        flagExports.RunAsync(input, cancellationToken);

    [Function(NotifyDestinationsActivity.ActivityName)]
    public Task<Dictionary<string, int>> NotifyDestinations([ActivityTrigger] PrivacyWorkflowInput input, CancellationToken cancellationToken) =>
        notifyDestinations.RunAsync(input, cancellationToken);

    [Function(EraseIdentitiesActivity.ActivityName)]
    public Task<Dictionary<string, int>> EraseIdentities([ActivityTrigger] PrivacyWorkflowInput input, CancellationToken cancellationToken) =>
        eraseIdentities.RunAsync(input, cancellationToken);

    [Function(EraseProfilesActivity.ActivityName)]
    public Task<Dictionary<string, int>> EraseProfiles([ActivityTrigger] PrivacyWorkflowInput input, CancellationToken cancellationToken) =>
        eraseProfiles.RunAsync(input, cancellationToken);

    [Function(VerifyErasureActivity.ActivityName)]
    public Task<ErasureVerification> Verify([ActivityTrigger] PrivacyWorkflowInput input, CancellationToken cancellationToken) =>
        verify.RunAsync(input, cancellationToken);

    [Function(WriteErasureCertificateActivity.ActivityName)]
    public Task<DocumentRef> WriteCertificate([ActivityTrigger] CertificateStep input, CancellationToken cancellationToken) =>
        writeCertificate.RunAsync(input, cancellationToken);
}
