using Cdp.Core.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Privacy;

public static class AccessWorkflowServiceCollectionExtensions
{
    /// <summary>The access (and portability) workflow, the request steps it shares with erasure, and the package builder.</summary>
    public static IServiceCollection AddAccessWorkflow(this IServiceCollection services)
    {
        services.AddWorkflow<AccessWorkflow>();
        services.AddPrivacyWorkflowSteps();
        services.AddWorkflowActivity<BuildAccessPackageActivity>();
        return services;
    }
}
