using Cdp.Core.Tests.Builders;
using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using static Cdp.Core.Tests.Identity.IdentityGraphPropertyTests;

namespace Cdp.Core.Tests.Identity;

/// <summary>Several processors and merges at once over the same stores, as several Event Hub partitions would run.</summary>
public sealed class ConcurrentIngestionTests
{
    private const int Ingesters = 4;

    [Fact]
    public async Task Process_ConcurrentIngestersAndMergesWithConflictingLinks_KeepTheGraphInvariants()
    {
        await Gen.Select(IdentityGraphPropertyTests.Event.Array[40, 80], Gen.Int).SampleAsync(async (events, seed) =>
        {
            using var cdp = new CoreHarness();
            var client = cdp.Services.GetRequiredService<IWorkflowClient>();
            var runner = cdp.Services.GetRequiredService<WorkflowRunner>();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var ingesting = true;

            // Each ingester takes every Nth event in small batches; a merge loop runs requested merges meanwhile.
            var ingesters = Enumerable.Range(0, Ingesters).Select(worker => Task.Run(async () =>
            {
                var mine = events.Select((e, i) => (e, i)).Where(x => x.i % Ingesters == worker).ToList();
                var random = new Random(seed + worker);
                for (var at = 0; at < mine.Count;)
                {
                    var size = random.Next(1, 5);
                    await cdp.ProcessAsync(mine.Skip(at).Take(size).Select(x => Build(x.e, x.i)).ToArray());
                    at += size;
                }
            })).ToList();
            var merging = Task.Run(async () =>
            {
                while (Volatile.Read(ref ingesting) || cdp.Merges.Scheduled.Count > 0)
                {
                    var batch = cdp.Merges.TakeAll();
                    await Task.WhenAll(batch.Select(async request =>
                    {
                        await client.StartAsync(Core.Identity.MergeWorkflow.WorkflowName, request.InstanceId, request, deadline.Token);
                        await runner.RunAsync(request.InstanceId, deadline.Token);
                    }));
                    if (batch.Count == 0)
                    {
                        await Task.Yield();
                    }
                }
            });

            await Task.WhenAll(ingesters);
            Volatile.Write(ref ingesting, false);
            await merging;
            // Merges started by the last batches, and any re-requested later, run to their end.
            await cdp.RunMergesAsync();

            await AssertInvariantsAsync(cdp, events);
        }, iter: 25, threads: 1);
    }
}
