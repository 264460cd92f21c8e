using Cdp.Core.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Privacy;

internal static class PrivacyWorkflowStepsServiceCollectionExtensions
{
    /// <summary>The steps every privacy workflow calls (begin, resolve, notify, complete, record a failure); safe to add twice.</summary>
    public static IServiceCollection AddPrivacyWorkflowSteps(this IServiceCollection services)
    {
        services.AddWorkflowActivity<BeginPrivacyRequestActivity>();
        services.AddWorkflowActivity<ResolveSubjectActivity>();
        services.AddWorkflowActivity<NotifyPrivacyStatusActivity>();
        services.AddWorkflowActivity<CompletePrivacyRequestActivity>();
        services.AddWorkflowActivity<RecordPrivacyFailureActivity>();
        return services;
    }
}
