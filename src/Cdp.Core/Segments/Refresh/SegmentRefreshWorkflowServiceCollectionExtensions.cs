using Cdp.Core.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Segments;

public static class SegmentRefreshWorkflowServiceCollectionExtensions
{
    /// <summary>The refresh workflow and its activities: the list a host's runner (local journal or Durable Functions) dispatches by name.</summary>
    public static IServiceCollection AddSegmentRefreshWorkflow(this IServiceCollection services)
    {
        services.AddWorkflow<SegmentRefreshWorkflow>();
        services.AddWorkflowActivity<ListProfileShardsActivity>();
        services.AddWorkflowActivity<RefreshShardActivity>();
        return services;
    }
}
