using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Processing;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Functions.Workflows;

namespace Cdp.Functions.Tests.Workflows;

/// <summary>
/// One person seen first as two (a known user and an anonymous visitor with two events each), then joined by an event
/// carrying both ids: the merge request that join makes.
/// </summary>
internal static class OnePersonTwoProfiles
{
    public const string Email = "jane@example.com";
    public const string Phone = "+14155550100";

    /// <summary>Every message id, so a test can check the survivor's timeline holds each once.</summary>
    public static readonly IReadOnlyList<string> MessageIds = ["m-1", "m-2", "m-3", "m-4", "m-5"];

    /// <summary>
    /// Ingests the events. With <paramref name="start"/> the merge is scheduled as the app schedules it (Durable
    /// orchestration via <see cref="DurableMergeScheduler"/>); without, it is only returned, for the test to start.
    /// </summary>
    public static async Task<MergeRequest> IngestAsync(FunctionsHarness harness, DurableFunctionsHost durable, bool start = true)
    {
        var processor = harness.Get<EventProcessor>();
        var merges = new RecordingMergeScheduler(start ? harness.Get<IMergeScheduler>() : null);
        using (harness.Get<DurableWorkflowClient>().Use(durable.Client))
        {
            await processor.ProcessAsync(await harness.AcceptAsync("""
                {"batch":[
                  {"type":"identify","userId":"u-1","messageId":"m-1","traits":{"email":"jane@example.com","plan":"pro"}},
                  {"type":"track","userId":"u-1","event":"Order Completed","messageId":"m-2","properties":{"revenue":10}},
                  {"type":"identify","anonymousId":"a-1","messageId":"m-3","traits":{"phone":"+14155550100","city":"Oslo"}},
                  {"type":"page","anonymousId":"a-1","name":"Home","messageId":"m-4"}
                ]}
                """), merges, CancellationToken.None);
            await processor.ProcessAsync(await harness.AcceptAsync(
                """{"batch":[{"type":"identify","userId":"u-1","anonymousId":"a-1","messageId":"m-5"}]}"""), merges, CancellationToken.None);
        }

        return Assert.Single(merges.Requests);
    }
}
