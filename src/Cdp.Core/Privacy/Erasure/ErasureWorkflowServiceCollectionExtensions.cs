using Cdp.Core.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Privacy;

public static class ErasureWorkflowServiceCollectionExtensions
{
    /// <summary>The erasure workflow, the request steps it shares with access, and the activities only erasure uses.</summary>
    public static IServiceCollection AddErasureWorkflow(this IServiceCollection services)
    {
        services.AddWorkflow<ErasureWorkflow>();
        services.AddPrivacyWorkflowSteps();
        services.AddWorkflowActivity<SuppressSubjectActivity>();
        services.AddWorkflowActivity<UnsuppressSubjectActivity>();
        services.AddWorkflowActivity<RewriteRawEventsActivity>();
        services.AddWorkflowActivity<EraseTimelineActivity>();
        services.AddWorkflowActivity<EraseProfileRecordsActivity>();
        services.AddWorkflowActivity<FlagExportsActivity>();
        services.AddWorkflowActivity<NotifyDestinationsActivity>();
        services.AddWorkflowActivity<EraseIdentitiesActivity>();
        services.AddWorkflowActivity<EraseProfilesActivity>();
        services.AddWorkflowActivity<VerifyErasureActivity>();
        services.AddWorkflowActivity<WriteErasureCertificateActivity>();
        return services;
    }
}
