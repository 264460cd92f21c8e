using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Processing;
using Cdp.Core.Profiles;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Functions.Workflows;
using Microsoft.DurableTask.Client;

namespace Cdp.Functions.Tests.Workflows;

public sealed class DurableMergeTests
{
    [Fact]
    public async Task MergeOrchestration_TwoProfilesOfOnePerson_EndsWithOneLiveProfile()
    {
        using var harness = new FunctionsHarness();
        await using var durable = await DurableFunctionsHost.StartAsync(harness);
        var processor = harness.Get<EventProcessor>();
        var merges = new RecordingMergeScheduler(harness.Get<IMergeScheduler>());
        using (harness.Get<DurableWorkflowClient>().Use(durable.Client))
        {
            await processor.ProcessAsync(await harness.AcceptAsync(
                """{"batch":[{"type":"identify","userId":"u-1","traits":{"email":"jane@example.com","plan":"pro"}},{"type":"identify","anonymousId":"a-1","traits":{"phone":"+14155550100","city":"Oslo"}}]}"""), merges, CancellationToken.None);
            await processor.ProcessAsync(await harness.AcceptAsync(
                """{"batch":[{"type":"identify","userId":"u-1","anonymousId":"a-1"}]}"""), merges, CancellationToken.None);
        }

        var request = Assert.Single(merges.Requests);
        var done = await durable.WaitAsync(request.InstanceId);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var outcome = done.ReadOutputAs<MergeOutcome>()!;
        var loser = Assert.Single(outcome.Merged);
        var byEmail = await harness.FindProfileAsync("email", "jane@example.com");
        var byPhone = await harness.FindProfileAsync("phone", "+14155550100");
        Assert.NotNull(byEmail);
        Assert.Equal(byEmail.Id, byPhone!.Id);
        Assert.Equal(outcome.SurvivorId, byEmail.Id);

        // Both batches' raw archive files are listed for the survivor, so erasing the person rewrites both.
        var timeline = harness.Get<ITimelineStore>();
        Assert.Equal(harness.Archive.Paths.Order(StringComparer.Ordinal), await timeline.ListRawBlobsAsync(byEmail.Id, CancellationToken.None));
        Assert.Empty(await timeline.ListRawBlobsAsync(loser, CancellationToken.None));
    }
}
