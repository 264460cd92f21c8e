using Cdp.Tests.InMemory;
using Cdp.Tests.Time;
using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cdp.Core.Tests.Workflows;

/// <summary>
/// The journaled runtime on the in-memory journal, a jumping fake clock and captured logs. Tests register their workflows
/// and activities, then <see cref="RunAsync"/> drives an instance to its end without a background worker.
/// </summary>
internal sealed class WorkflowTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public WorkflowTestHost(Action<IServiceCollection> register, InMemoryWorkflowJournal? journal = null, int maxConcurrentActivities = 4)
    {
        Journal = journal ?? new InMemoryWorkflowJournal();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{WorkflowRunnerOptions.SectionName}:MaxConcurrentActivities"] = maxConcurrentActivities.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<ILoggerFactory>(Logs);
        services.AddSingleton<IWorkflowJournal>(Journal);
        services.AddJournaledWorkflowRuntime(configuration);
        register(services);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public InMemoryWorkflowJournal Journal { get; }

    public JumpingTimeProvider Time { get; } = new();

    public CapturingLoggerFactory Logs { get; } = new();

    public IServiceProvider Services => _services;

    public IWorkflowClient Client => _services.GetRequiredService<IWorkflowClient>();

    public WorkflowRunner Runner => _services.GetRequiredService<WorkflowRunner>();

    /// <summary>Starts the instance and runs it to its end on this host's runner.</summary>
    public async Task<WorkflowInstance> RunAsync(string workflowName, string instanceId, object? input)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await Client.StartAsync(workflowName, instanceId, input, deadline.Token);
        await Runner.RunAsync(instanceId, deadline.Token);
        return (await Client.GetAsync(instanceId, deadline.Token))!;
    }

    public Task<WorkflowHistory> HistoryAsync(string instanceId) => Journal.GetHistoryAsync(instanceId, CancellationToken.None);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
