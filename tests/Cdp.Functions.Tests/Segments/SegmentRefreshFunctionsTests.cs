using Cdp.Core.Segments;
using Cdp.Functions.Ingestion;
using Cdp.Functions.Segments;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Tests.Time;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

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

        var first = await FireTimerAsync(harness, durable, clock);
        clock.Advance(TimeSpan.FromMinutes(1));
        await harness.Create<SegmentRefreshFunctions>().Schedule(new TimerInfo(), durable.Client, CancellationToken.None);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, first.RuntimeStatus);
        Assert.Equal(first.CreatedAt, (await durable.WaitAsync(first.InstanceId)).CreatedAt);
        Assert.Single(await ListInstancesAsync(durable));
    }

    [Fact]
    public async Task Timer_FiredHalfASecondBeforeItsSlot_StartsThatSlotNotThePreviousOne()
    {
        using var harness = Harness(out var clock);
        await using var durable = await DurableFunctionsHost.StartAsync(harness);
        var previous = await FireTimerAsync(harness, durable, clock);

        // The Functions host's timer can fire a moment early (clock skew): it still starts the slot it fired for.
        var next = await FireTimerAsync(harness, durable, clock, lateBy: TimeSpan.FromMilliseconds(-500));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, next.RuntimeStatus);
        Assert.NotEqual(previous.InstanceId, next.InstanceId);
        Assert.Equal(2, (await ListInstancesAsync(durable)).Count);
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

    private static async Task<List<OrchestrationMetadata>> ListInstancesAsync(DurableFunctionsHost durable)
    {
        var instances = new List<OrchestrationMetadata>();
        await foreach (var instance in durable.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "segment-refresh-" }))
        {
            instances.Add(instance);
        }

        return instances;
    }

    /// <summary>What the Event Hubs trigger does with a batch.</summary>
    private static Task ProcessAsync(FunctionsHarness harness, DurableFunctionsHost durable, params string[] messages) =>
        harness.Create<ProcessEventsFunction>().Run(
            messages, durable.Client, HubMessages.Context("0", 1, messages.Length, harness.Get<TimeProvider>().GetUtcNow()), CancellationToken.None);

    /// <summary>
    /// Moves the clock to <paramref name="lateBy"/> after the next slot of the five-minute schedule (negative: before it),
    /// fires the timer as the Functions host does, and waits (bounded) for that slot's refresh.
    /// </summary>
    private static async Task<OrchestrationMetadata> FireTimerAsync(
        FunctionsHarness harness, DurableFunctionsHost durable, FakeTimeProvider clock, TimeSpan? lateBy = null)
    {
        var slot = harness.Get<SegmentRefreshStarter>().NextSlot(clock.GetUtcNow());
        clock.SetUtcNow(slot + (lateBy ?? TimeSpan.FromSeconds(30)));
        await harness.Create<SegmentRefreshFunctions>().Schedule(new TimerInfo(), durable.Client, CancellationToken.None);
        var instanceId = SegmentRefreshSchedule.InstanceId(slot);
        Assert.True(await durable.Client.GetInstanceAsync(instanceId) is not null, $"the timer did not start {instanceId}");
        return await durable.WaitAsync(instanceId);
    }
}
