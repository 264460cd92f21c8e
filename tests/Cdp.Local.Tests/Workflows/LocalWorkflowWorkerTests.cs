using Cdp.Core.Workflows;
using Cdp.Local.Tests.Infrastructure;
using Cdp.Local.Workflows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cdp.Local.Tests.Workflows;

public sealed class LocalWorkflowWorkerTests : IDisposable
{
    private static readonly ShapeInput Shape = new([
        new ShapeGroup(false, [new ShapeCall(1, 0)]),
        new ShapeGroup(true, [new ShapeCall(2, 0), new ShapeCall(3, 0), new ShapeCall(4, 0)]),
        new ShapeGroup(false, [new ShapeCall(5, 0)]),
    ]);

    private readonly TempDataDirectory _data = new();
    private readonly EffectSink _sink = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task StartAsync_HostRunning_WorkerRunsTheInstanceToCompletion()
    {
        using var host = BuildHost();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(deadline.Token);
        var client = host.Services.GetRequiredService<IWorkflowClient>();

        await client.StartAsync(ShapeWorkflow.WorkflowName, "worker-1", Shape, deadline.Token);
        var instance = await client.WaitForCompletionAsync("worker-1", deadline.Token);
        await host.StopAsync(deadline.Token);

        Assert.Equal(WorkflowStatus.Completed, instance!.Status);
        await AssertOutputAsync("worker-1", instance);
        Assert.Equal(5, _sink.Applied.Count);
    }

    [Fact]
    public async Task HostStart_InstanceLeftRunningInTheJournal_IsResumedWithoutRedoingRecordedCalls()
    {
        // A previous process ran the first episode and recorded the first call's result, then died.
        using (var journal = new SqliteWorkflowJournal(_data.Path))
        {
            var input = Core.Workflows.WorkflowJson.Serialize(Shape, typeof(ShapeInput));
            var epoch = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
            await journal.CreateIfAbsentAsync(ShapeWorkflow.WorkflowName, "worker-2", input, epoch, CancellationToken.None);
            await journal.StartEpisodeAsync("worker-2", epoch, CancellationToken.None);
            var first = new EffectInput("worker-2/0", 1 + 17, 0);
            await journal.RecordActivityAsync(
                "worker-2", new Core.Workflows.Replay.ActivityRecord(0, EffectActivity.ActivityName, 2, ShapeProgram.Compute(first).ToString(System.Globalization.CultureInfo.InvariantCulture), null, 1), CancellationToken.None);
        }

        using var host = BuildHost();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(deadline.Token);
        var instance = await host.Services.GetRequiredService<IWorkflowClient>().WaitForCompletionAsync("worker-2", deadline.Token);
        await host.StopAsync(deadline.Token);

        Assert.Equal(WorkflowStatus.Completed, instance!.Status);
        await AssertOutputAsync("worker-2", instance);
        Assert.False(_sink.Executions.ContainsKey("worker-2/0"));
        Assert.Equal(["worker-2/1", "worker-2/2", "worker-2/3", "worker-2/4"], _sink.Executions.Keys.Order());
    }

    private static async Task AssertOutputAsync(string instanceId, WorkflowInstance instance)
    {
        var expected = await ShapeProgram.RunAsync(instanceId, Shape, i => Task.FromResult(ShapeProgram.Compute(i)));
        var actual = instance.ReadOutput<ShapeOutput>()!;
        Assert.Equal(expected.Accumulator, actual.Accumulator);
        Assert.Equal(expected.Results, actual.Results);
    }

    private IHost BuildHost()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Cdp:Local:DataDirectory"] = _data.Path });
        builder.Services.AddSingleton(_sink);
        builder.Services.AddCdpLocalWorkflows(builder.Configuration);
        builder.Services.AddWorkflow<ShapeWorkflow>();
        builder.Services.AddWorkflowActivity<EffectActivity>();
        return builder.Build();
    }
}
