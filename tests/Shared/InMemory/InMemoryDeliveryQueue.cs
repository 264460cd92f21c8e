using Cdp.Core.Destinations;
using Cdp.Core.Segments;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="IDeliveryQueue"/> in memory: one row per (destination, id), changed under one lock.</summary>
internal sealed class InMemoryDeliveryQueue : IDeliveryQueue
{
    private readonly Dictionary<(string Destination, string Id), QueuedDelivery> _rows = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<QueuedDelivery> All
    {
        get
        {
            lock (_gate)
            {
                return _rows.Values.ToList();
            }
        }
    }

    public Task EnqueueAsync(IReadOnlyList<AudienceDelivery> deliveries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        lock (_gate)
        {
            foreach (var delivery in deliveries)
            {
                _rows.TryAdd((delivery.Destination, delivery.Id), new QueuedDelivery(delivery, DeliveryStates.Queued, 0, delivery.At, UpdatedAt: delivery.At));
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<QueuedDelivery>> LeaseDueAsync(
        string destination, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var due = _rows.Values
                .Where(r => r.Delivery.Destination == destination && r.State == DeliveryStates.Queued && r.NextAttemptAt <= now
                    && (r.LeasedUntil is null || r.LeasedUntil <= now))
                .OrderBy(r => r.NextAttemptAt).ThenBy(r => r.Delivery.Id, StringComparer.Ordinal)
                .Take(max)
                .Select(r => r with { LeasedUntil = leaseUntil })
                .ToList();
            due.ForEach(Put);
            return Task.FromResult<IReadOnlyList<QueuedDelivery>>(due);
        }
    }

    public Task MarkSentAsync(string destination, IReadOnlyCollection<string> ids, DateTimeOffset at, CancellationToken cancellationToken) =>
        Change(destination, ids, DeliveryStates.Queued, r => r with { State = DeliveryStates.Sent, Attempts = r.Attempts + 1, LeasedUntil = null, UpdatedAt = at, Reason = null });

    public Task RecordFailureAsync(
        string destination, IReadOnlyCollection<string> ids, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) =>
        Change(destination, ids, DeliveryStates.Queued, r => r with { Attempts = r.Attempts + 1, Reason = reason, NextAttemptAt = nextAttemptAt, LeasedUntil = null });

    public Task DeadLetterAsync(string destination, IReadOnlyCollection<string> ids, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        Change(destination, ids, DeliveryStates.Queued,
            r => r with { State = DeliveryStates.DeadLettered, Attempts = r.Attempts + 1, Reason = reason, UpdatedAt = at, LeasedUntil = null });

    public Task DropAsync(string destination, IReadOnlyCollection<string> ids, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        Change(destination, ids, DeliveryStates.Queued, r => r with { State = DeliveryStates.Dropped, Reason = reason, UpdatedAt = at, LeasedUntil = null });

    public Task<DeadLetterPage> ListDeadLettersAsync(string destination, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var skip = continuationToken is null ? 0 : int.TryParse(continuationToken, out var n) ? n : throw new ArgumentException("not a token of this store");
            var all = _rows.Values.Where(r => r.Delivery.Destination == destination && r.State == DeliveryStates.DeadLettered)
                .OrderBy(r => r.UpdatedAt).ThenBy(r => r.Delivery.Id, StringComparer.Ordinal).ToList();
            var page = all.Skip(skip).Take(pageSize).ToList();
            var next = skip + page.Count < all.Count ? (skip + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new DeadLetterPage(page, next));
        }
    }

    public Task<int> RedriveAsync(string destination, IReadOnlyCollection<string>? ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var targets = _rows.Values.Where(r => r.Delivery.Destination == destination && r.State == DeliveryStates.DeadLettered
                && (ids is null || ids.Count == 0 || ids.Contains(r.Delivery.Id))).ToList();
            targets.ForEach(r => Put(r with { State = DeliveryStates.Queued, Attempts = 0, NextAttemptAt = now, LeasedUntil = null, UpdatedAt = now }));
            return Task.FromResult(targets.Count);
        }
    }

    public Task<DeliveryCounts> CountAsync(string destination, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var rows = _rows.Values.Where(r => r.Delivery.Destination == destination).ToList();
            return Task.FromResult(new DeliveryCounts(
                rows.Count(r => r.State == DeliveryStates.Queued), rows.Count(r => r.State == DeliveryStates.DeadLettered)));
        }
    }

    public Task<int> DeleteByProfileAsync(string profileId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var keys = _rows.Where(r => r.Value.Delivery.ProfileId == profileId).Select(r => r.Key).ToList();
            keys.ForEach(k => _rows.Remove(k));
            return Task.FromResult(keys.Count);
        }
    }

    private Task Change(string destination, IReadOnlyCollection<string> ids, string fromState, Func<QueuedDelivery, QueuedDelivery> change)
    {
        lock (_gate)
        {
            foreach (var id in ids)
            {
                if (_rows.TryGetValue((destination, id), out var row) && row.State == fromState)
                {
                    Put(change(row));
                }
            }
        }

        return Task.CompletedTask;
    }

    private void Put(QueuedDelivery row) => _rows[(row.Delivery.Destination, row.Delivery.Id)] = row;
}
