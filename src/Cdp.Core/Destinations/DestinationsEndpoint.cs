using System.Text.Json;
using Cdp.Core.Http;
using Cdp.Core.Privacy;
using Microsoft.AspNetCore.Http;

namespace Cdp.Core.Destinations;

/// <summary>The body of <c>POST /api/destinations/{key}/dead-letters/redrive</c>: no body (or no ids) redrives all.</summary>
public sealed record RedriveRequest(IReadOnlyList<string>? Ids);

/// <summary>
/// The destination routes on both hosts: configured destinations with their queue counts (never a secret or a URL's
/// path, which may carry a token), a destination's dead letters, redrive, and a profile's deliveries from the export
/// ledger. Hosts authorize first; nothing here authorizes.
/// </summary>
public sealed class DestinationsEndpoint(DestinationDirectory destinations, IDeliveryQueue queue, IExportLedger ledger, DeliverySignal signal, TimeProvider time)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    private static readonly BodyRules RedriveBody = new(64 * 1024, AllowTextPlain: false, "64 KiB");

    /// <summary><c>GET /api/destinations</c>.</summary>
    public async Task<HttpAnswer> ListAsync(CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, DeliveryCounts>(StringComparer.Ordinal);
        foreach (var destination in destinations.Destinations)
        {
            counts[destination.Key] = await queue.CountAsync(destination.Key, cancellationToken);
        }

        return HttpAnswer.Json(StatusCodes.Status200OK, w =>
        {
            w.WriteStartArray("destinations");
            foreach (var destination in destinations.Destinations)
            {
                WriteDestination(w, destination, counts[destination.Key]);
            }

            w.WriteEndArray();
        });
    }

    /// <summary><c>GET /api/destinations/{key}/dead-letters?pageSize=&amp;continuation=</c>: oldest first.</summary>
    public async Task<HttpAnswer> DeadLettersAsync(string key, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (destinations.Get(key) is null)
        {
            return NoDestination(key);
        }

        if (PageQuery.Read(request, DefaultPageSize, MaxPageSize, out var query) is { } invalid)
        {
            return invalid;
        }

        DeadLetterPage page;
        try
        {
            page = await queue.ListDeadLettersAsync(key, query.Size, query.Continuation, cancellationToken);
        }
        catch (ArgumentException)
        {
            return HttpAnswer.Error(StatusCodes.Status400BadRequest, "continuation was not issued by this API");
        }

        return HttpAnswer.Json(StatusCodes.Status200OK, w =>
        {
            w.WriteStartArray("deadLetters");
            foreach (var item in page.Items)
            {
                w.WriteStartObject();
                w.WriteString("id", item.Delivery.Id);
                w.WriteString("segment", item.Delivery.SegmentKey);
                w.WriteString("profileId", item.Delivery.ProfileId);
                w.WriteString("kind", item.Delivery.Kind);
                w.WriteNumber("attempts", item.Attempts);
                w.WriteString("reason", item.Reason);
                w.WriteString("at", item.UpdatedAt ?? item.Delivery.At);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("continuation", page.ContinuationToken);
        });
    }

    /// <summary><c>POST /api/destinations/{key}/dead-letters/redrive</c> with no body, <c>{}</c> or <c>{"ids":[...]}</c>.</summary>
    public async Task<HttpAnswer> RedriveAsync(string key, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (destinations.Get(key) is null)
        {
            return NoDestination(key);
        }

        IReadOnlyList<string>? ids = null;
        var read = await RequestBodies.ReadAsync(request, RedriveBody, cancellationToken);
        if (read.Refused)
        {
            return HttpAnswer.Error(read.Status, read.Error!);
        }

        if (!read.Body.IsEmpty)
        {
            try
            {
                ids = JsonSerializer.Deserialize(read.Body.Span, DestinationJsonContext.Default.RedriveRequest)?.Ids;
            }
            catch (JsonException)
            {
                return HttpAnswer.Error(StatusCodes.Status400BadRequest, "the body must be {\"ids\": [\"delivery id\", ...]} or empty");
            }
        }

        var redriven = await queue.RedriveAsync(key, ids, time.GetUtcNow(), cancellationToken);
        signal.Wake(key);
        return HttpAnswer.Json(StatusCodes.Status200OK, w => w.WriteNumber("redriven", redriven));
    }

    /// <summary><c>GET /api/profiles/{id}/destinations</c>: where the profile's data went (the export ledger), oldest first.</summary>
    public async Task<HttpAnswer> ProfileDeliveriesAsync(string profileId, CancellationToken cancellationToken)
    {
        var records = await ledger.ListByProfileAsync(profileId, cancellationToken);
        return HttpAnswer.Json(StatusCodes.Status200OK, w =>
        {
            w.WriteString("profileId", profileId);
            w.WriteStartArray("deliveries");
            foreach (var record in records)
            {
                w.WriteStartObject();
                w.WriteString("id", record.Id);
                w.WriteString("destination", record.Destination);
                w.WriteString("segment", record.Segment);
                w.WriteString("at", record.ExportedAt);
                w.WriteStartArray("fields");
                foreach (var field in record.Fields ?? [])
                {
                    w.WriteStringValue(field);
                }

                w.WriteEndArray();
                if (record.File is { } file)
                {
                    w.WriteString("file", $"{file.Area}/{file.Path}");
                }

                if (record.FlaggedAt is { } flagged)
                {
                    w.WriteString("erasureFlaggedAt", flagged);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static void WriteDestination(Utf8JsonWriter w, Destination destination, DeliveryCounts counts)
    {
        var settings = destination.Settings;
        w.WriteStartObject();
        w.WriteString("key", destination.Key);
        w.WriteString("type", settings.Type);
        if (destination.IsWebhook)
        {
            w.WriteString("host", new Uri(settings.Url!).Authority);
            w.WriteNumber("batchSize", settings.BatchSize);
        }
        else
        {
            w.WriteString("format", settings.Format);
        }

        w.WriteStartArray("purposes");
        settings.Purposes.ForEach(w.WriteStringValue);
        w.WriteEndArray();
        w.WriteStartArray("fields");
        foreach (var name in destination.Mapping.Names)
        {
            w.WriteStringValue(name);
        }

        w.WriteEndArray();
        w.WriteNumber("maxAttempts", settings.MaxAttempts);
        w.WriteNumber("queued", counts.Queued);
        w.WriteNumber("deadLettered", counts.DeadLettered);
        w.WriteEndObject();
    }

    private static HttpAnswer NoDestination(string key) =>
        HttpAnswer.Error(StatusCodes.Status404NotFound, $"no destination {key} is configured (Cdp:Destinations:{key})");
}
