using Cdp.Core.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Identity;

public static class MergeWorkflowServiceCollectionExtensions
{
    /// <summary>
    /// The merge workflow and every activity it calls: the one list a host's runner (local journal or Durable Functions)
    /// dispatches by name. A new activity is added here and, in Azure, as one activity function in Cdp.Functions.
    /// </summary>
    public static IServiceCollection AddMergeWorkflow(this IServiceCollection services)
    {
        services.AddWorkflow<MergeWorkflow>();
        services.AddWorkflowActivity<PlanMergeActivity>();
        services.AddWorkflowActivity<TombstoneProfileActivity>();
        services.AddWorkflowActivity<FoldProfileActivity>();
        services.AddWorkflowActivity<RepointIdentitiesActivity>();
        services.AddWorkflowActivity<MoveTimelineActivity>();
        services.AddWorkflowActivity<StripTombstoneActivity>();
        return services;
    }
}
