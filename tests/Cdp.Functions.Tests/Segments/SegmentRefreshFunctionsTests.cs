using Cdp.Core.Segments;
using Cdp.Functions.Ingestion;
using Cdp.Functions.Segments;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Tests.Time;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Functions.Tests.Segments;

/// <summary>
/// Membership end to end through the app's own classes: a segment defined over the API, an event through the Event Hubs
/// function (a member as soon as the batch is processed), then time passing and the timer's refresh, run for real in
/// the Durable Task engine (the member exits).
/// </summary>
public sealed class SegmentRefreshFunctionsTests
{
    private const string OrderedThisWeek = """{"event":"Order Completed","within":"P7D"}""";

    [Fact]
    public async Task Timer_AfterTheWindowPassed_RefreshRunsInDurableAndTheMemberExits()
    {
        using var harness = Harness(out var clock);
        await using var durable = await DurableFunctionsHost.StartAsync(harness);
        var client = new SegmentsClient(harness, durable.Client);
        Assert.Equal(201, (await client.PutAsync("ordered-this-week", SegmentsClient.Body(OrderedThisWeek, "Ordered this week"))).Status);

        await ProcessAsync(harness, durable, HubMessages.Track("u-1", "m-1", "Order Completed", clock.GetUtcNow()));

        var id = (await harness.FindProfileAsync("userId", "u-1"))!.Id;
        Assert.Equal([id], await client.MemberIdsAsync("ordered-this-week"));
        Assert.True((await client.StandingAsync(id, "ordered-this-week"))!.Value.GetProperty("member").GetBoolean());

        clock.Advance(TimeSpan.FromDays(10));
        var done = await FireTimerAsync(harness, durable, clock);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
        var counts = done.ReadOutputAs<SegmentRefreshCounts>()!;
        Assert.Equal((1, 0, 1), (counts.Evaluated, counts.Entered, counts.Exited));
        Assert.Empty(await client.MemberIdsAsync("ordered-this-week"));
        Assert.False((await client.StandingAsync(id, "ordered-this-week"))!.Value.GetProperty("member").GetBoolean());
        Assert.Equal(0, (await client.GetAsync("/api/segments/ordered-this-week")).Json.GetProperty("memberCount").GetInt64());
    }

    [Fact]
    public async Task Timer_FiredTwiceInOneSlot_StartsOneRefreshUnderTheSlotsInstanceId()
    {
        using var harness = Harness(out var clock);
        await using var durable = await DurableFunctionsHost.StartAsync(harness);

        // Thirty seconds into a slot of the five-minute schedule, then a minute later: the same slot.
        clock.SetUtcNow(harness.Get<SegmentRefreshStarter>().NextSlot(clock.GetUtcNow()).AddSeconds(30));
        var first = await FireTimerAsync(harness, durable, clock);
        clock.Advance(TimeSpan.FromMinutes(1));
        var second = await FireTimerAsync(harness, durable, clock);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, first.RuntimeStatus);
        Assert.Equal(first.InstanceId, second.InstanceId);
        Assert.Equal(first.CreatedAt, second.CreatedAt);
        Assert.StartsWith("segment-refresh-", first.InstanceId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshNow_SegmentSavedAfterTheProfile_202AndTheRefreshEntersIt()
    {
        using var harness = Harness(out _);
        await using var durable = await DurableFunctionsHost.StartAsync(harness);
        var client = new SegmentsClient(harness, durable.Client);
        await harness.IngestAsync("""{"batch":[{"type":"identify","userId":"late-1","traits":{"plan":"late"}}]}""");
        await client.PutAsync("late", SegmentsClient.Body("""{"trait":"plan","op":"eq","value":"late"}""", "Late"));

        var started = await client.PostAsync("/api/segments/refresh", "{}");

        Assert.Equal(202, started.Status);
        var done = await durable.WaitAsync(started.Json.GetProperty("instanceId").GetString()!);
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
        Assert.Equal([(await harness.FindProfileAsync("userId", "late-1"))!.Id], await client.MemberIdsAsync("late"));
    }

    /// <summary>
    /// The Durable engine stamps an orchestration with the real time (what the refresh evaluates at, as in Azure), so the
    /// app's clock starts ten days before it: an event is fresh when processed and past a week's window at the refresh.
    /// </summary>
    private static FunctionsHarness Harness(out JumpingTimeProvider clock)
    {
        clock = new JumpingTimeProvider(TimeProvider.System.GetUtcNow().AddDays(-10));
        var harness = new FunctionsHarness();
        harness.ServiceCollection.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
        return harness;
    }

    /// <summary>What the Event Hubs trigger does with a batch.</summary>
    private static Task ProcessAsync(FunctionsHarness harness, DurableFunctionsHost durable, params string[] messages) =>
        harness.Create<ProcessEventsFunction>().Run(
            messages, durable.Client, HubMessages.Context("0", 1, messages.Length, harness.Get<TimeProvider>().GetUtcNow()), CancellationToken.None);

    /// <summary>Fires the timer as the Functions host does, then waits (bounded) for the refresh of the slot due now.</summary>
    private static async Task<OrchestrationMetadata> FireTimerAsync(FunctionsHarness harness, DurableFunctionsHost durable, TimeProvider clock)
    {
        await harness.Create<SegmentRefreshFunctions>().Schedule(new TimerInfo(), durable.Client, CancellationToken.None);
        var slot = harness.Get<SegmentRefreshStarter>().LatestSlot(clock.GetUtcNow());
        return await durable.WaitAsync(SegmentRefreshSchedule.InstanceId(slot));
    }
}
