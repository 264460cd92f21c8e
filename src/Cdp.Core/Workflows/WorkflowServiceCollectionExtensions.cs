using Cdp.Core.Workflows.Replay;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Core.Workflows;

public static class WorkflowServiceCollectionExtensions
{
    /// <summary>Registers a workflow (a singleton: workflows hold no state) and the registry that finds it by name.</summary>
    public static IServiceCollection AddWorkflow<TWorkflow>(this IServiceCollection services)
        where TWorkflow : class, IWorkflow
    {
        services.TryAddSingleton<TWorkflow>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWorkflow, TWorkflow>(sp => sp.GetRequiredService<TWorkflow>()));
        services.TryAddSingleton<WorkflowRegistry>();
        return services;
    }

    /// <summary>Registers an activity, resolved in a new scope for every call.</summary>
    public static IServiceCollection AddWorkflowActivity<TActivity>(this IServiceCollection services)
        where TActivity : class, IActivity
    {
        services.TryAddTransient<TActivity>();
        if (!services.Any(d => d.ServiceType == typeof(ActivityRegistration)
                && d.ImplementationInstance is ActivityRegistration r && r.ActivityType == typeof(TActivity)))
        {
            services.AddSingleton(new ActivityRegistration(typeof(TActivity)));
        }

        services.TryAddSingleton<WorkflowRegistry>();
        return services;
    }

    /// <summary>
    /// Registers the journaled runtime (runner, client, queue) for a host that runs workflows itself rather than on
    /// Durable Functions. The host also registers logging, an <see cref="IWorkflowJournal"/> and something that drains the
    /// <see cref="WorkflowWorkQueue"/> into <see cref="WorkflowRunner.RunAsync"/>.
    /// </summary>
    public static IServiceCollection AddJournaledWorkflowRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<WorkflowRunnerOptions>(configuration, WorkflowRunnerOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WorkflowRegistry>();
        services.TryAddSingleton<WorkflowWorkQueue>();
        services.TryAddSingleton<WorkflowCompletions>();
        services.TryAddSingleton<ActivityInvoker>();
        services.TryAddSingleton<WorkflowRunner>();
        services.TryAddSingleton<IWorkflowClient, JournaledWorkflowClient>();
        return services;
    }
}
