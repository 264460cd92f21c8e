using System.Collections.Concurrent;
using System.Text.Json;
using Cdp.Core.Destinations;

namespace Cdp.Local.Demo;

/// <summary>
/// The receiving end of the <c>demo-webhook</c> destination, served by the demo's own host at <see cref="Path"/> (mapped in
/// demo mode only). Each POST is verified with Core's Standard Webhooks rule before it is read (401 otherwise, which the
/// pump dead-letters), then each audience event is printed on one line: event, audience, userId, webhook-id. Only ids are
/// printed; the mapped traits in <c>context.traits</c> are counted, never shown.
/// </summary>
public sealed class DemoWebhookReceiver(string secret, TextWriter output, TimeProvider time)
{
    public const string Path = "/demo/webhook";

    private const int MaxBody = 1024 * 1024;

    private readonly ConcurrentDictionary<string, (string Event, string Segment, string? UserId)> _events = new(StringComparer.Ordinal);
    private int _verified;
    private int _rejected;

    /// <summary>Signed POSTs that verified.</summary>
    public int Verified => Volatile.Read(ref _verified);

    /// <summary>POSTs whose signature or timestamp did not hold.</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    /// <summary>Audience events by messageId, so a redelivered one (same id) is counted once, as a real receiver must.</summary>
    public IReadOnlyCollection<(string Event, string Segment, string? UserId)> Events => [.. _events.Values];

    public void Map(IEndpointRouteBuilder app) => app.MapPost(Path, ReceiveAsync);

    private async Task<IResult> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadAsync(request, cancellationToken);
        var headers = request.Headers;
        if (body is null || !WebhookSigner.Verify(secret, headers[WebhookSigner.IdHeader], headers[WebhookSigner.TimestampHeader],
                headers[WebhookSigner.SignatureHeader], body, time.GetUtcNow(), WebhookSigner.DefaultTolerance))
        {
            Interlocked.Increment(ref _rejected);
            await output.WriteLineAsync("webhook  REJECTED: the signature did not verify (answered 401)");
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        Interlocked.Increment(ref _verified);
        var webhookId = Shorten(headers[WebhookSigner.IdHeader].ToString());
        using var document = JsonDocument.Parse(body);
        if (document.RootElement.TryGetProperty("batch", out var batch) && batch.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in batch.EnumerateArray())
            {
                var name = Text(item, "event") ?? Text(item, "type") ?? "?";
                var segment = item.TryGetProperty("properties", out var properties) ? Text(properties, "audience_key") ?? "-" : "-";
                var userId = Text(item, "userId");
                if (Text(item, "messageId") is { } messageId)
                {
                    _events[messageId] = (name, segment, userId);
                }

                await output.WriteLineAsync($"webhook  {name,-16}  {segment,-20}  {userId ?? "(anonymous)",-10}  (webhook-id {webhookId})");
            }
        }

        return Results.Ok();
    }

    private static async Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBody)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A batch's id is <c>batch_</c> and 64 hex digits; the start is enough to tell POSTs apart on a console.</summary>
    private static string Shorten(string id) => id.Length > 28 ? id[..27] + "…" : id;
}
