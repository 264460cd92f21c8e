using Cdp.Core.Destinations;
using Cdp.Local.Destinations;
using Cdp.Core.Segments;

namespace Cdp.Local.Tests.Destinations;

/// <summary>The queue joins the outbox's transaction: a delivery is queued exactly when the profile write that caused it commits.</summary>
public sealed class SqliteDeliveryQueueTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 1, 0, 0, TimeSpan.Zero);
    private readonly DeliveryDatabase _scratch = new();

    [Fact]
    public async Task EnqueueAsync_InsideATransactionThatRollsBack_QueuesNothing()
    {
        var queue = new SqliteDeliveryQueue(_scratch.Database);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _scratch.Database.RunInTransactionAsync(async () =>
        {
            await queue.EnqueueAsync([Delivery("p-1")], CancellationToken.None);
            throw new InvalidOperationException("the profile write failed");
        }));

        Assert.Equal(new DeliveryCounts(0, 0), await queue.CountAsync("crm", CancellationToken.None));
    }

    [Fact]
    public async Task EnqueueAsync_InsideATransactionThatCommits_IsQueuedWithIt()
    {
        var queue = new SqliteDeliveryQueue(_scratch.Database);

        await _scratch.Database.RunInTransactionAsync(() => queue.EnqueueAsync([Delivery("p-1")], CancellationToken.None));

        Assert.Equal(new DeliveryCounts(1, 0), await queue.CountAsync("crm", CancellationToken.None));
    }

    [Fact]
    public async Task LeaseDueAsync_AfterTheHostRestarts_LeaseHeldByTheDeadHostExpires()
    {
        var queue = new SqliteDeliveryQueue(_scratch.Database);
        await queue.EnqueueAsync([Delivery("p-1")], CancellationToken.None);
        await queue.LeaseDueAsync("crm", 10, Now, Now.AddMinutes(1), CancellationToken.None);

        var reopened = new SqliteDeliveryQueue(_scratch.Reopen());

        Assert.Empty(await reopened.LeaseDueAsync("crm", 10, Now.AddSeconds(59), Now.AddMinutes(2), CancellationToken.None));
        Assert.Single(await reopened.LeaseDueAsync("crm", 10, Now.AddMinutes(1), Now.AddMinutes(2), CancellationToken.None));
    }

    public void Dispose() => _scratch.Dispose();

    private static AudienceDelivery Delivery(string profileId) =>
        new($"vip:{profileId}:crm:1", "crm", "vip", "VIP", profileId, AudienceDeliveryKinds.Entered, Now);
}
