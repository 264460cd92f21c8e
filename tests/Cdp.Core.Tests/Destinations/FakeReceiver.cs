using System.Collections.Concurrent;
using System.Net;

namespace Cdp.Core.Tests.Destinations;

/// <summary>One request a fake receiver got: where, the headers that matter, and the body.</summary>
internal sealed record ReceivedRequest(Uri Url, string? WebhookId, string? Timestamp, string? Signature, string Body);

/// <summary>
/// The webhook receivers, as the HTTP handler of the destinations' client: records every request and answers per host
/// with the next scripted response (200 when none is left), or hangs until the request is cancelled.
/// </summary>
internal sealed class FakeReceiver : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpResponseMessage>>> _scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _hanging = new(StringComparer.Ordinal);

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public IReadOnlyList<ReceivedRequest> At(string host) => Received.Where(r => r.Url.Host == host).ToList();

    public FakeReceiver Answer(string host, HttpStatusCode status, Action<HttpResponseMessage>? shape = null)
    {
        _scripts.GetOrAdd(host, _ => new()).Enqueue(() =>
        {
            var response = new HttpResponseMessage(status);
            shape?.Invoke(response);
            return response;
        });
        return this;
    }

    /// <summary>Requests to <paramref name="host"/> never answer (until cancelled or timed out).</summary>
    public FakeReceiver Hang(string host)
    {
        _hanging[host] = true;
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        Received.Enqueue(new ReceivedRequest(request.RequestUri!, Header(request, "webhook-id"), Header(request, "webhook-timestamp"),
            Header(request, "webhook-signature"), body));
        if (_hanging.ContainsKey(request.RequestUri!.Host))
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return _scripts.TryGetValue(request.RequestUri.Host, out var script) && script.TryDequeue(out var next)
            ? next()
            : new HttpResponseMessage(HttpStatusCode.OK);
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
