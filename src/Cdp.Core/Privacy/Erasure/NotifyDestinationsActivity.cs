using System.Buffers;
using System.Text.Json;
using Cdp.Core.Destinations;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Workflows;
using Microsoft.Extensions.Logging;

namespace Cdp.Core.Privacy;

/// <summary>
/// Tells each webhook destination that received the subject (the export ledger, as flagged by <see cref="FlagExportsActivity"/>)
/// to delete them, and deletes the subject's deliveries still queued. The notice is a signed Segment-like batch of
/// <c>{"type":"delete"}</c> events, one per profile, with <c>webhook-id</c> <c>erasure:{request}:{destination}</c> (the same
/// on every run, so a receiver deduplicates a notice sent again by a later round or a retry).
/// </summary>
/// <remarks>
/// It runs right after FlagExports, before identities and profiles are erased, so the notice names the person as the
/// destination knew them: the profile's <c>userId</c> and <c>anonymousId</c>. In a later round the profile may be gone;
/// the request's own userId is used then, else the profile id as <c>anonymousId</c> (what the audience events carried for
/// a profile without either). A receiver that does not answer 2xx after a few tries is logged and counted, never thrown:
/// a destination being down must not hold an erasure back (as with privacy status callbacks).
/// </remarks>
public sealed partial class NotifyDestinationsActivity(
    PrivacyRequestDocuments requests,
    IExportLedger ledger,
    IProfileStore profiles,
    DestinationDirectory destinations,
    IDeliveryQueue queue,
    WebhookSender webhooks,
    TimeProvider time,
    ILogger<NotifyDestinationsActivity> logger) : IActivity<PrivacyWorkflowInput, Dictionary<string, int>>
{
    public const string ActivityName = "NotifyDestinations";

    /// <summary>Certificate counts: deletion notices delivered, and queued deliveries deleted.</summary>
    public const string NoticesCount = "destinationNotices";
    public const string QueuedDeliveriesCount = "queuedDeliveries";

    private const int Attempts = 3;

    public string Name => ActivityName;

    public async Task<Dictionary<string, int>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var subjects = new SortedDictionary<string, List<(string ProfileId, string? UserId, string? AnonymousId)>>(StringComparer.Ordinal);
        var deleted = 0;
        foreach (var profileId in request.ProfileIds)
        {
            var webhookDestinations = (await ledger.ListByProfileAsync(profileId, cancellationToken))
                .Where(r => r.ErasureRequestId == input.RequestId && destinations.Get(r.Destination) is { IsWebhook: true })
                .Select(r => r.Destination).Distinct(StringComparer.Ordinal).ToList();
            if (webhookDestinations.Count > 0)
            {
                var who = await IdentifyAsync(request, profileId, cancellationToken);
                foreach (var destination in webhookDestinations)
                {
                    (subjects.TryGetValue(destination, out var list) ? list : subjects[destination] = []).Add(who);
                }
            }

            deleted += await queue.DeleteByProfileAsync(profileId, cancellationToken);
        }

        var delivered = 0;
        var failures = new List<string>();
        foreach (var (key, people) in subjects)
        {
            var webhookId = $"erasure:{request.Id}:{key}";
            var outcome = await SendAsync(destinations.Get(key)!.Settings, webhookId, Notice(webhookId, people, time.GetUtcNow()), cancellationToken);
            if (outcome.Delivered)
            {
                delivered++;
            }
            else
            {
                failures.Add($"{key} ({outcome.Reason})");
                LogUndelivered(logger, request.Id, key, outcome.Reason!);
            }
        }

        var detail = $"{delivered} of {subjects.Count} destination(s) notified, {deleted} queued deliveries deleted"
            + (failures.Count > 0 ? $"; not delivered: {string.Join(", ", failures)}" : string.Empty);
        await requests.AuditAsync(input.RequestId, input.Attempt, "destinations_notified",
            failures.Count == 0 ? PrivacyAuditOutcomes.Succeeded : PrivacyAuditOutcomes.Failed, detail, cancellationToken);
        return new() { [NoticesCount] = delivered, [QueuedDeliveriesCount] = deleted };
    }

    private async Task<(string, string?, string?)> IdentifyAsync(PrivacyRequest request, string profileId, CancellationToken ct)
    {
        if ((await profiles.GetAsync(profileId, ct))?.Value is { } profile)
        {
            var (userId, anonymousId) = AudienceMessage.IdsOf(profile);
            return (profileId, userId, anonymousId);
        }

        var requested = request.AllIdentities().FirstOrDefault(i => i.Type == IdentifierTypes.UserId)?.Value;
        return (profileId, requested, requested is null ? profileId : null);
    }

    private async Task<WebhookOutcome> SendAsync(DestinationSettings destination, string webhookId, byte[] body, CancellationToken ct)
    {
        var outcome = await webhooks.PostAsync(destination, webhookId, body, ct);
        for (var attempt = 2; attempt <= Attempts && outcome.Retry; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(attempt - 1), time, ct);
            outcome = await webhooks.PostAsync(destination, webhookId, body, ct);
        }

        return outcome;
    }

    private static byte[] Notice(string webhookId, List<(string ProfileId, string? UserId, string? AnonymousId)> people, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("batch");
            foreach (var (profileId, userId, anonymousId) in people)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "delete");
                writer.WriteString("messageId", $"{webhookId}:{profileId}");
                writer.WriteString("timestamp", now);
                if (userId is not null)
                {
                    writer.WriteString("userId", userId);
                }

                if (anonymousId is not null)
                {
                    writer.WriteString("anonymousId", anonymousId);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Erasure {RequestId}: the deletion notice to destination {Destination} was not delivered ({Reason})")]
    private static partial void LogUndelivered(ILogger logger, string requestId, string destination, string reason);
}
