using Cdp.Tests.Time;
using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using Cdp.Local.Tests.Infrastructure;
using Cdp.Local.Workflows;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Local.Tests.Workflows;

public sealed class WorkflowCrashPropertyTests
{
    private const string InstanceId = "shape-1";

    private static readonly Gen<ShapeInput> GenShape =
        Gen.Select(Gen.Bool, Gen.Select(Gen.Int[0, 500], Gen.Int[0, 2], (v, f) => new ShapeCall(v, f)).List[1, 4], (p, calls) => new ShapeGroup(p, calls))
            .List[1, 5]
            .Select(groups => new ShapeInput(groups));

    /// <summary>Running totals of activity executions at which the runner is cut off.</summary>
    private static readonly Gen<int[]> GenCrashes = Gen.Int[1, 30].Array[0, 4];

    [Fact]
    public async Task RunAsync_RandomShapeFailuresAndCrashes_MatchesDirectRunAndAppliesEachEffectOnce()
    {
        await Gen.Select(GenShape, GenCrashes).SampleAsync(
            async (shape, crashes) =>
            {
                var directInputs = new List<EffectInput>();
                var expected = await ShapeProgram.RunAsync(InstanceId, shape, i =>
                {
                    directInputs.Add(i);
                    return Task.FromResult(ShapeProgram.Compute(i));
                });

                var (instance, history, sink, restarts) = await RunWithCrashesAsync(shape, crashes);

                Assert.Equal(WorkflowStatus.Completed, instance.Status);
                var output = instance.ReadOutput<ShapeOutput>()!;
                Assert.Equal(expected.Accumulator, output.Accumulator);
                Assert.Equal(expected.Results, output.Results);
                Assert.Equal(directInputs.ToDictionary(i => i.Key, i => i.Value), sink.Applied.ToDictionary());
                Assert.Empty(sink.Conflicts);
                Assert.Equal(Enumerable.Range(0, directInputs.Count), history.Activities.Select(a => a.Sequence).Order());
                Assert.All(history.Activities, a => Assert.True(a.Succeeded));
                // A call runs again only if a crash cut it off before its result was recorded.
                Assert.All(sink.Successes.Values, n => Assert.InRange(n, 1, 1 + restarts));
            },
            iter: 60,
            threads: 1);
    }

    private static async Task<(WorkflowInstance Instance, WorkflowHistory History, EffectSink Sink, int Restarts)> RunWithCrashesAsync(
        ShapeInput shape, int[] crashes)
    {
        using var data = new TempDataDirectory();
        var sink = new EffectSink();
        var time = new JumpingTimeProvider();
        var crashAt = new Queue<int>(crashes.Distinct().Order());
        var gate = new Lock();
        for (var restarts = 0; restarts <= crashes.Length; restarts++)
        {
            await using var services = WorkflowServices.Build(data.Path, time, s => s
                .AddSingleton(sink)
                .AddWorkflow<ShapeWorkflow>()
                .AddWorkflowActivity<EffectActivity>());
            using var crash = new CancellationTokenSource();
            sink.AfterExecution = total =>
            {
                lock (gate)
                {
                    if (crashAt.TryPeek(out var point) && total >= point)
                    {
                        crashAt.Dequeue();
                        crash.Cancel();
                    }
                }
            };

            var client = services.GetRequiredService<IWorkflowClient>();
            await client.StartAsync(ShapeWorkflow.WorkflowName, InstanceId, shape);
            try
            {
                await services.GetRequiredService<WorkflowRunner>().RunAsync(InstanceId, crash.Token);
            }
            catch (OperationCanceledException) when (crash.IsCancellationRequested)
            {
                // The "process" dies here: the service provider and its journal connections are disposed.
                continue;
            }

            var journal = services.GetRequiredService<IWorkflowJournal>();
            return ((await client.GetAsync(InstanceId))!, await journal.GetHistoryAsync(InstanceId, CancellationToken.None), sink, restarts);
        }

        throw new InvalidOperationException("the runner crashed more often than planned");
    }
}
