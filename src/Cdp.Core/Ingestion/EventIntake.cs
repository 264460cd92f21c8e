using Cdp.Core.Events;

namespace Cdp.Core.Ingestion;

/// <summary>The outcome of one ingestion request, mapped to HTTP once per host.</summary>
public sealed record IntakeResult(
    IntakeStatus Status,
    string? Error,
    IReadOnlyList<SegmentEvent> Accepted,
    IReadOnlyList<RejectedEvent> Rejected)
{
    public static IntakeResult Refused(IntakeStatus status, string error) => new(status, error, [], []);
}

public enum IntakeStatus
{
    /// <summary>At least one event was accepted (some may have been rejected).</summary>
    Accepted,

    /// <summary>The request or every event in it is invalid.</summary>
    Invalid,

    /// <summary>The write key is missing or unknown.</summary>
    Unauthorized,

    /// <summary>The write key is known, but its source does not allow the page's origin: nothing is accepted.</summary>
    Forbidden,
}

/// <summary>
/// The HTTP side of ingestion: authenticate, parse, validate. It does no I/O besides the write key
/// look-up, so each host decides how accepted events are made durable (outbox locally, Event Hubs in Azure).
/// </summary>
public sealed class EventIntake(ISourceDirectory sources, EventNormalizer normalizer, TimeProvider time)
{
    public Task<IntakeResult> AcceptAsync(
        IngestRoute route, string? authorizationHeader, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        AcceptAsync(route, authorizationHeader, origin: null, body, cancellationToken);

    /// <param name="origin">The request's <c>Origin</c> header: checked against the source once the key names one.</param>
    public async Task<IntakeResult> AcceptAsync(
        IngestRoute route, string? authorizationHeader, string? origin, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ParsedRequest request;
        try
        {
            request = RequestParser.Parse(route, body.Span);
        }
        catch (InvalidRequestException ex)
        {
            // An unreadable body still needs a key check first: an anonymous caller learns nothing.
            var headerKey = WriteKeys.FromAuthorizationHeader(authorizationHeader);
            var headerSource = headerKey is null ? null : await sources.FindByWriteKeyAsync(headerKey, cancellationToken);
            if (headerSource is null)
            {
                return IntakeResult.Refused(IntakeStatus.Unauthorized, headerKey is null
                    ? "missing write key: send it as the HTTP Basic user name or as writeKey in the body"
                    : "unknown write key");
            }

            return headerSource.AllowsOrigin(origin)
                ? IntakeResult.Refused(IntakeStatus.Invalid, ex.Message)
                : OriginRefused(origin!);
        }

        var writeKey = WriteKeys.FromAuthorizationHeader(authorizationHeader) ?? request.WriteKey;
        if (string.IsNullOrEmpty(writeKey))
        {
            return IntakeResult.Refused(IntakeStatus.Unauthorized,
                "missing write key: send it as the HTTP Basic user name or as writeKey in the body");
        }

        var source = await sources.FindByWriteKeyAsync(writeKey, cancellationToken);
        if (source is null)
        {
            return IntakeResult.Refused(IntakeStatus.Unauthorized, "unknown write key");
        }

        if (!source.AllowsOrigin(origin))
        {
            return OriginRefused(origin!);
        }

        var receivedAt = time.GetUtcNow();
        var accepted = new List<SegmentEvent>(request.Items.Count);
        var rejected = new List<RejectedEvent>();
        foreach (var item in request.Items)
        {
            if (item.Event is null)
            {
                rejected.Add(new RejectedEvent(item.Index, item.Error ?? "invalid event"));
                continue;
            }

            var (normalized, error) = normalizer.Normalize(item.Event, route, request, source.Id, receivedAt);
            if (normalized is null)
            {
                rejected.Add(new RejectedEvent(item.Index, error!));
            }
            else
            {
                accepted.Add(normalized);
            }
        }

        if (accepted.Count == 0)
        {
            var error = request.Items.Count == 0
                ? "batch is empty"
                : route == IngestRoute.Batch ? "no valid events in batch" : rejected[0].Reason;
            return new IntakeResult(IntakeStatus.Invalid, error, accepted, rejected);
        }

        return new IntakeResult(IntakeStatus.Accepted, null, accepted, rejected);
    }

    private static IntakeResult OriginRefused(string origin) =>
        IntakeResult.Refused(IntakeStatus.Forbidden,
            $"origin {(origin.Length <= 100 ? origin : origin[..100] + "…")} is not allowed to send events for this source");
}
