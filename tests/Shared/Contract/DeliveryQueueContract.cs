using Cdp.Core.Destinations;
using static Cdp.Tests.Contract.ContractData;
using Cdp.Core.Segments;

namespace Cdp.Tests.Contract;

/// <summary>What every <see cref="IDeliveryQueue"/> must do. Subclass it once per implementation.</summary>
public abstract class DeliveryQueueContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected abstract IDeliveryQueue CreateQueue();

    [Fact]
    public async Task EnqueueAsync_SameIdAgainInAnyState_ChangesNothing()
    {
        var queue = CreateQueue();
        var (sent, dead, waiting) = (Delivery("crm"), Delivery("crm"), Delivery("crm"));
        await queue.EnqueueAsync([sent, dead, waiting], None);
        await queue.LeaseDueAsync("crm", 10, Epoch, Epoch.AddMinutes(1), None);
        await queue.MarkSentAsync("crm", [sent.Id], Epoch, None);
        await queue.DeadLetterAsync("crm", [dead.Id], "HTTP 400", Epoch, None);

        await queue.EnqueueAsync([sent, dead, waiting with { At = Epoch.AddDays(-1) }], None);

        Assert.Equal(new DeliveryCounts(1, 1), await queue.CountAsync("crm", None));
        var again = await queue.LeaseDueAsync("crm", 10, Epoch.AddMinutes(2), Epoch.AddMinutes(3), None);
        Assert.Equal([waiting], again.Select(d => d.Delivery));
    }

    [Fact]
    public async Task LeaseDueAsync_Leased_IsNotTakenAgainUntilTheLeaseExpires()
    {
        var queue = CreateQueue();
        var delivery = Delivery("crm");
        await queue.EnqueueAsync([delivery], None);

        var first = await queue.LeaseDueAsync("crm", 10, Epoch, Epoch.AddMinutes(1), None);
        var second = await queue.LeaseDueAsync("crm", 10, Epoch.AddSeconds(30), Epoch.AddMinutes(2), None);
        var afterExpiry = await queue.LeaseDueAsync("crm", 10, Epoch.AddMinutes(1), Epoch.AddMinutes(3), None);

        Assert.Equal([delivery], first.Select(d => d.Delivery));
        Assert.Empty(second);
        Assert.Equal([delivery], afterExpiry.Select(d => d.Delivery));
    }

    [Fact]
    public async Task LeaseDueAsync_OtherDestinationOrNotYetDue_IsNotTaken()
    {
        var queue = CreateQueue();
        var later = Delivery("crm") with { At = Epoch.AddMinutes(5) };
        await queue.EnqueueAsync([Delivery("ads"), later], None);

        Assert.Empty(await queue.LeaseDueAsync("crm", 10, Epoch, Epoch.AddMinutes(1), None));
        Assert.Single(await queue.LeaseDueAsync("crm", 10, Epoch.AddMinutes(5), Epoch.AddMinutes(6), None));
    }

    [Fact]
    public async Task RecordFailureAsync_CountsTheAttemptAndWaitsUntilTheNextAttempt()
    {
        var queue = CreateQueue();
        var delivery = Delivery("crm");
        await queue.EnqueueAsync([delivery], None);
        await queue.LeaseDueAsync("crm", 10, Epoch, Epoch.AddMinutes(1), None);

        await queue.RecordFailureAsync("crm", [delivery.Id], "HTTP 503", Epoch.AddMinutes(10), None);

        Assert.Empty(await queue.LeaseDueAsync("crm", 10, Epoch.AddMinutes(9), Epoch.AddMinutes(11), None));
        var retried = Assert.Single(await queue.LeaseDueAsync("crm", 10, Epoch.AddMinutes(10), Epoch.AddMinutes(11), None));
        Assert.Equal(1, retried.Attempts);
        Assert.Equal("HTTP 503", retried.Reason);
    }

    [Fact]
    public async Task ListDeadLettersAsync_PagesThroughOldestFirstWithTheReason()
    {
        var queue = CreateQueue();
        var deliveries = Enumerable.Range(0, 5).Select(_ => Delivery("crm")).ToList();
        await queue.EnqueueAsync(deliveries, None);
        for (var i = 0; i < deliveries.Count; i++)
        {
            await queue.DeadLetterAsync("crm", [deliveries[i].Id], $"HTTP 40{i}", Epoch.AddMinutes(i), None);
        }

        var first = await queue.ListDeadLettersAsync("crm", 3, null, None);
        var second = await queue.ListDeadLettersAsync("crm", 3, first.ContinuationToken, None);

        Assert.Equal(deliveries.Select(d => d.Id), first.Items.Concat(second.Items).Select(d => d.Delivery.Id));
        Assert.Equal("HTTP 400", first.Items[0].Reason);
        Assert.Equal(1, first.Items[0].Attempts);
        Assert.Null(second.ContinuationToken);
    }

    [Fact]
    public async Task RedriveAsync_SomeIds_PutsOnlyThoseBackDueWithAttemptsReset()
    {
        var queue = CreateQueue();
        var (a, b) = (Delivery("crm"), Delivery("crm"));
        await queue.EnqueueAsync([a, b], None);
        await queue.DeadLetterAsync("crm", [a.Id, b.Id], "HTTP 410", Epoch, None);

        var redriven = await queue.RedriveAsync("crm", [a.Id, "not-a-dead-letter"], Epoch.AddHours(1), None);

        Assert.Equal(1, redriven);
        var due = Assert.Single(await queue.LeaseDueAsync("crm", 10, Epoch.AddHours(1), Epoch.AddHours(2), None));
        Assert.Equal(a.Id, due.Delivery.Id);
        Assert.Equal(0, due.Attempts);
        Assert.Equal(new DeliveryCounts(1, 1), await queue.CountAsync("crm", None));
    }

    [Fact]
    public async Task RedriveAsync_NoIds_PutsEveryDeadLetterOfTheDestinationBack()
    {
        var queue = CreateQueue();
        var (a, b, other) = (Delivery("crm"), Delivery("crm"), Delivery("ads"));
        await queue.EnqueueAsync([a, b, other], None);
        await queue.DeadLetterAsync("crm", [a.Id, b.Id], "HTTP 410", Epoch, None);
        await queue.DeadLetterAsync("ads", [other.Id], "HTTP 410", Epoch, None);

        Assert.Equal(2, await queue.RedriveAsync("crm", null, Epoch, None));
        Assert.Equal(new DeliveryCounts(0, 1), await queue.CountAsync("ads", None));
    }

    [Fact]
    public async Task DeleteByProfileAsync_RemovesTheProfilesDeliveriesInEveryStateAndDestination()
    {
        var queue = CreateQueue();
        var profile = NewId("p-");
        var mine = new[] { Delivery("crm", profile), Delivery("ads", profile), Delivery("crm", profile) };
        var theirs = Delivery("crm");
        await queue.EnqueueAsync([.. mine, theirs], None);
        await queue.DeadLetterAsync("crm", [mine[2].Id], "HTTP 400", Epoch, None);

        Assert.Equal(3, await queue.DeleteByProfileAsync(profile, None));
        Assert.Equal(new DeliveryCounts(1, 0), await queue.CountAsync("crm", None));
        Assert.Equal(new DeliveryCounts(0, 0), await queue.CountAsync("ads", None));
    }

    [Fact]
    public async Task DropAsync_ClosesWithoutCountingAnAttempt()
    {
        var queue = CreateQueue();
        var delivery = Delivery("crm");
        await queue.EnqueueAsync([delivery], None);

        await queue.DropAsync("crm", [delivery.Id], "profile erased or missing", Epoch, None);

        Assert.Equal(new DeliveryCounts(0, 0), await queue.CountAsync("crm", None));
        Assert.Empty(await queue.LeaseDueAsync("crm", 10, Epoch.AddDays(1), Epoch.AddDays(2), None));
    }

    private static AudienceDelivery Delivery(string destination, string? profileId = null)
    {
        var profile = profileId ?? NewId("p-");
        return new AudienceDelivery($"vip:{profile}:{destination}:{NewId(string.Empty)}", destination, "vip", "VIP customers", profile,
            AudienceDeliveryKinds.Entered, Epoch);
    }
}
