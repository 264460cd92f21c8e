using Cdp.Core;
using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using Cdp.Local.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Workflows;

public static class LocalWorkflowsServiceCollectionExtensions
{
    /// <summary>
    /// The local durable workflow runtime: Core's journaled runner on <c>&lt;DataDirectory&gt;/workflows.db</c>, the
    /// <see cref="IWorkflowClient"/>, and the background worker that resumes unfinished instances at start-up.
    /// Workflows and activities are registered separately (AddWorkflow / AddWorkflowActivity).
    /// </summary>
    public static IServiceCollection AddCdpLocalWorkflows(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.Any(d => d.ServiceType == typeof(IConfigureOptions<LocalStoreOptions>)))
        {
            services.AddValidatedOptions<LocalStoreOptions>(configuration, LocalStoreOptions.SectionName);
        }

        services.AddJournaledWorkflowRuntime(configuration);
        services.TryAddSingleton<SqliteWorkflowJournal>();
        services.TryAddSingleton<IWorkflowJournal>(sp => sp.GetRequiredService<SqliteWorkflowJournal>());
        services.AddHostedService<LocalWorkflowWorker>();
        return services;
    }
}
