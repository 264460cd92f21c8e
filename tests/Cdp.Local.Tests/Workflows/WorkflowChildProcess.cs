using System.Diagnostics.CodeAnalysis;
using Cdp.Core.Workflows;
using Cdp.Local.Tests.Identity;
using Cdp.Local.Tests.Privacy;
using Cdp.Local.Tests.Workflows;
using Cdp.Local.Workflows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>
/// .NET startup hook (<c>DOTNET_STARTUP_HOOKS</c>): lets the test assembly itself run as the child process of the
/// kill test, <c>dotnet Cdp.Local.Tests.dll</c>, without a separate project or a hook in the host's Program.cs.
/// The runtime requires this exact name, outside any namespace, and allows one: it runs the child a variable names
/// (<see cref="WorkflowChildProcess"/>, the merge kill test's <see cref="MergeChildProcess"/> or the erasure kill test's
/// <see cref="ErasureChildProcess"/>), and nothing when none is set.
/// </summary>
[SuppressMessage("Design", "CA1050:Declare types in namespaces", Justification = "The runtime looks up startup hooks by this global name.")]
internal static class StartupHook
{
    public static void Initialize()
    {
        var dataDirectory = Environment.GetEnvironmentVariable(WorkflowChildProcess.DataDirectoryVariable);
        if (!string.IsNullOrEmpty(dataDirectory))
        {
            Environment.Exit(WorkflowChildProcess.RunAsync(dataDirectory).GetAwaiter().GetResult());
        }

        var mergeDataDirectory = Environment.GetEnvironmentVariable(MergeChildProcess.DataDirectoryVariable);
        if (!string.IsNullOrEmpty(mergeDataDirectory))
        {
            var instanceId = Environment.GetEnvironmentVariable(MergeChildProcess.InstanceVariable);
            Environment.Exit(MergeChildProcess.RunAsync(mergeDataDirectory, string.IsNullOrEmpty(instanceId) ? null : instanceId).GetAwaiter().GetResult());
        }

        var erasureDataDirectory = Environment.GetEnvironmentVariable(ErasureChildProcess.DataDirectoryVariable);
        if (!string.IsNullOrEmpty(erasureDataDirectory))
        {
            Environment.Exit(ErasureChildProcess.RunAsync(erasureDataDirectory, Environment.GetEnvironmentVariable(ErasureChildProcess.UrlVariable)!)
                .GetAwaiter().GetResult());
        }
    }
}

namespace Cdp.Local.Tests.Workflows
{
    internal sealed record StepInput(string Key);

    /// <summary>
    /// The child process: the local workflow runtime on a data directory, running <see cref="KillTestWorkflow"/>.
    /// Activities log each execution to <c>executions.log</c> and apply their effect to <c>effects.log</c> once per key.
    /// </summary>
    internal static class WorkflowChildProcess
    {
        public const string DataDirectoryVariable = "CDP_WORKFLOW_CHILD_DATA";
        public const string InstanceId = "kill-1";
        public const string BlockingLine = "workflow-child: blocking";
        public const string ReleaseFile = "release";
        public const string ExecutionsFile = "executions.log";
        public const string EffectsFile = "effects.log";

        public static async Task<int> RunAsync(string dataDirectory)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = dataDirectory });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Cdp:Local:DataDirectory"] = dataDirectory });
            builder.Services.AddSingleton(new ChildFiles(dataDirectory));
            builder.Services.AddCdpLocalWorkflows(builder.Configuration);
            builder.Services.AddWorkflow<KillTestWorkflow>();
            builder.Services.AddWorkflowActivity<StepActivity>();
            builder.Services.AddWorkflowActivity<BlockActivity>();
            using var host = builder.Build();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await host.StartAsync(deadline.Token);
            var client = host.Services.GetRequiredService<IWorkflowClient>();
            await client.StartAsync(KillTestWorkflow.WorkflowName, InstanceId, 0, deadline.Token);
            var instance = await client.WaitForCompletionAsync(InstanceId, deadline.Token);
            Console.WriteLine($"workflow-child: {instance?.Status} {instance?.Error}");
            await host.StopAsync(deadline.Token);
            return instance?.Status == WorkflowStatus.Completed ? 0 : 1;
        }
    }

    /// <summary>The files the child's activities write, appended under one lock (activities of a fan-out run at once).</summary>
    internal sealed class ChildFiles(string dataDirectory)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public bool Released => File.Exists(Path.Combine(dataDirectory, WorkflowChildProcess.ReleaseFile));

        public async Task ExecuteAsync(string key, bool applyEffect, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                await File.AppendAllTextAsync(
                    Path.Combine(dataDirectory, WorkflowChildProcess.ExecutionsFile), $"{key} {Environment.ProcessId}\n", cancellationToken);
                var effects = Path.Combine(dataDirectory, WorkflowChildProcess.EffectsFile);
                var applied = File.Exists(effects) ? await File.ReadAllLinesAsync(effects, cancellationToken) : [];
                if (applyEffect && !applied.Contains(key))
                {
                    await File.AppendAllTextAsync(effects, key + "\n", cancellationToken);
                }
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    internal sealed class StepActivity(ChildFiles files) : IActivity<StepInput, string>
    {
        public const string ActivityName = "Step";

        public string Name => ActivityName;

        public async Task<string> RunAsync(StepInput input, CancellationToken cancellationToken)
        {
            await files.ExecuteAsync(input.Key, applyEffect: true, cancellationToken);
            return input.Key.ToUpperInvariant();
        }
    }

    /// <summary>Hangs (until the process is killed) unless the release file exists; then it is an ordinary step.</summary>
    internal sealed class BlockActivity(ChildFiles files) : IActivity<StepInput, string>
    {
        public const string ActivityName = "Block";

        public string Name => ActivityName;

        public async Task<string> RunAsync(StepInput input, CancellationToken cancellationToken)
        {
            var released = files.Released;
            await files.ExecuteAsync(input.Key, applyEffect: released, cancellationToken);
            if (!released)
            {
                Console.WriteLine(WorkflowChildProcess.BlockingLine);
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }

            return input.Key.ToUpperInvariant();
        }
    }

    /// <summary>One step, a fan-out of three, the blocking step, one last step.</summary>
    internal sealed class KillTestWorkflow : IWorkflow<int, IReadOnlyList<string>>
    {
        public const string WorkflowName = "KillTest";

        public string Name => WorkflowName;

        public async Task<IReadOnlyList<string>> RunAsync(IOrchestrationContext context, int input)
        {
            var results = new List<string> { await Step("first") };
            results.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(i => Step($"fan-{i}"))));
            results.Add(await context.CallActivityAsync<string>(BlockActivity.ActivityName, new StepInput("block")));
            results.Add(await Step("last"));
            return results;

            Task<string> Step(string key) => context.CallActivityAsync<string>(StepActivity.ActivityName, new StepInput(key));
        }
    }
}
