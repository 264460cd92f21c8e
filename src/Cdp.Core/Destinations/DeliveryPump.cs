using Cdp.Core.Consent;
using Cdp.Core.Identity;
using Cdp.Core.Privacy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Cdp.Core.Segments;

namespace Cdp.Core.Destinations;

/// <summary>
/// Drains the delivery queue, each destination on its own loop (<see cref="RunAsync"/>), so a slow or failing
/// destination never delays another. A cycle (<see cref="RunOnceAsync"/>) leases the due deliveries, builds the messages
/// from the profiles as they are now (an erased or missing profile, or an entry whose consent is gone, is dropped, not
/// sent), sends them (a signed webhook POST, or a change file), records each send in the export ledger and settles the
/// queue: sent, retried after a back-off (the receiver's Retry-After when it gave one), or dead-lettered with the reason.
/// </summary>
public sealed partial class DeliveryPump(
    DestinationDirectory destinations,
    IDeliveryQueue queue,
    LiveProfiles profiles,
    ConsentPolicy consent,
    WebhookSender webhooks,
    AudienceFiles files,
    IExportLedger ledger,
    DeliverySignal signal,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<DeliveryPump> logger)
{
    /// <summary>Deliveries per change file.</summary>
    private const int FileBatchSize = 1000;

    /// <summary>Runs every destination's loop until <paramref name="cancellationToken"/> fires.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(destinations.Destinations.Select(d => Task.Run(() => LoopAsync(d.Key, cancellationToken), CancellationToken.None)));

    /// <summary>
    /// One pass for hosts that run the pump on a timer (the Functions app): every destination at once, each until nothing
    /// is due or <paramref name="budget"/> has passed. A destination whose cycle fails is logged and left for the next pass.
    /// </summary>
    public Task DrainAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var end = time.GetUtcNow() + budget;
        return Task.WhenAll(destinations.Destinations.Select(d => Task.Run(async () =>
        {
            try
            {
                while (time.GetUtcNow() < end && await RunOnceAsync(d.Key, cancellationToken) > 0)
                {
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogCycleFailed(logger, d.Key, e.GetType().Name);
            }
        }, CancellationToken.None)));
    }

    /// <summary>One cycle for one destination: returns how many deliveries it took (0: nothing was due).</summary>
    public async Task<int> RunOnceAsync(string destinationKey, CancellationToken cancellationToken)
    {
        var destination = destinations.Get(destinationKey) ?? throw new ArgumentException($"no destination {destinationKey}", nameof(destinationKey));
        var now = time.GetUtcNow();
        var leased = await queue.LeaseDueAsync(destination.Key, destination.IsWebhook ? destination.Settings.BatchSize : FileBatchSize,
            now, now.AddSeconds(options.Value.LeaseSeconds), cancellationToken);
        if (leased.Count == 0)
        {
            return 0;
        }

        var messages = await PrepareAsync(destination, leased, cancellationToken);
        if (messages.Count > 0)
        {
            if (destination.IsWebhook)
            {
                await SendAsync(destination, leased, messages, cancellationToken);
            }
            else
            {
                var file = await files.WriteChangesAsync(destination, messages, time.GetUtcNow(), cancellationToken);
                await CompleteAsync(destination, messages, file, cancellationToken);
            }
        }

        return leased.Count;
    }

    private async Task LoopAsync(string destinationKey, CancellationToken cancellationToken)
    {
        var poll = TimeSpan.FromSeconds(options.Value.PollSeconds);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                while (await RunOnceAsync(destinationKey, cancellationToken) > 0)
                {
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A store or file fault must not end the loop: the leases expire and a later cycle tries again.
                LogCycleFailed(logger, destinationKey, e.GetType().Name);
            }

            try
            {
                await signal.WaitAsync(destinationKey, poll, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<List<AudienceMessage>> PrepareAsync(Destination destination, IReadOnlyList<QueuedDelivery> leased, CancellationToken ct)
    {
        var messages = new List<AudienceMessage>(leased.Count);
        var dropped = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var item in leased)
        {
            var delivery = item.Delivery;
            var profile = (await profiles.ResolveAsync(delivery.ProfileId, ct))?.Value;
            var refusal = profile is null ? "profile erased or missing"
                : delivery.Kind == AudienceDeliveryKinds.Entered && consent.FirstWithheld(profile, destination.Settings.Purposes) is { } purpose
                    ? $"consent for {purpose} not granted"
                    : null;
            if (refusal is null)
            {
                messages.Add(AudienceMessage.For(delivery, profile!, destination.Mapping));
            }
            else
            {
                (dropped.TryGetValue(refusal, out var ids) ? ids : dropped[refusal] = []).Add(delivery.Id);
            }
        }

        foreach (var (reason, ids) in dropped)
        {
            await queue.DropAsync(destination.Key, ids, reason, time.GetUtcNow(), ct);
            LogDropped(logger, destination.Key, ids.Count, reason);
        }

        return messages;
    }

    private async Task SendAsync(Destination destination, IReadOnlyList<QueuedDelivery> leased, List<AudienceMessage> messages, CancellationToken ct)
    {
        var outcome = await webhooks.PostAsync(destination.Settings, WebhookIds.ForBatch(messages.Select(m => m.Delivery.Id)),
            AudienceMessage.Batch(messages), ct);
        if (outcome.Delivered)
        {
            await CompleteAsync(destination, messages, null, ct);
            return;
        }

        var now = time.GetUtcNow();
        var sentIds = messages.Select(m => m.Delivery.Id).ToHashSet(StringComparer.Ordinal);
        var tried = leased.Where(l => sentIds.Contains(l.Delivery.Id)).ToList();
        var spent = tried.Where(l => !outcome.Retry || l.Attempts + 1 >= destination.Settings.MaxAttempts).Select(l => l.Delivery.Id).ToList();
        if (spent.Count > 0)
        {
            await queue.DeadLetterAsync(destination.Key, spent, outcome.Reason!, now, ct);
            LogDeadLettered(logger, destination.Key, spent.Count, outcome.Reason!);
        }

        foreach (var group in tried.Where(l => !spent.Contains(l.Delivery.Id)).GroupBy(l => l.Attempts + 1))
        {
            var next = now + Pause(group.Key, outcome.RetryAfter);
            await queue.RecordFailureAsync(destination.Key, group.Select(l => l.Delivery.Id).ToList(), outcome.Reason!, next, ct);
            LogRetrying(logger, destination.Key, group.Count(), outcome.Reason!, next);
        }
    }

    private async Task CompleteAsync(Destination destination, List<AudienceMessage> messages, DocumentRef? file, CancellationToken ct)
    {
        var now = time.GetUtcNow();

        // Ledger first: a crash before the queue is settled sends again under the same ids and records the same lines.
        foreach (var message in messages)
        {
            var fields = file is null ? message.FieldNames : message.Fields.Select(f => f.Name).ToList();
            await ledger.RecordAsync(new ExportRecord(message.Delivery.Id, message.Delivery.ProfileId, destination.Key, now, file,
                Fields: fields, Segment: message.Delivery.SegmentKey), ct);
        }

        await queue.MarkSentAsync(destination.Key, messages.Select(m => m.Delivery.Id).ToList(), now, ct);
        LogSent(logger, destination.Key, messages.Count);
    }

    /// <summary>The pause before the next try: Retry-After when the receiver gave one, else doubling from the first pause.</summary>
    private TimeSpan Pause(int attempts, TimeSpan? retryAfter)
    {
        var settings = options.Value;
        var max = TimeSpan.FromSeconds(settings.MaxRetrySeconds);
        var backoff = TimeSpan.FromSeconds(settings.FirstRetrySeconds * Math.Pow(2, Math.Min(attempts - 1, 20)));
        var pause = retryAfter ?? backoff;
        return pause > max ? max : pause;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Destination {Destination}: {Count} delivery(ies) sent")]
    private static partial void LogSent(ILogger logger, string destination, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Destination {Destination}: {Count} delivery(ies) dropped ({Reason})")]
    private static partial void LogDropped(ILogger logger, string destination, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Destination {Destination}: {Count} delivery(ies) failed ({Reason}); next attempt at {NextAttempt:O}")]
    private static partial void LogRetrying(ILogger logger, string destination, int count, string reason, DateTimeOffset nextAttempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Destination {Destination}: {Count} delivery(ies) dead-lettered ({Reason})")]
    private static partial void LogDeadLettered(ILogger logger, string destination, int count, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Destination {Destination}: a delivery cycle failed ({Error}); trying again")]
    private static partial void LogCycleFailed(ILogger logger, string destination, string error);
}
