using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cdp.Tests.Privacy;

/// <summary>
/// An OpenDSR callback endpoint on 127.0.0.1, as a requester's system runs one. Once it knows the shared secret it checks
/// each callback as OpenDSR §8.8 asks, written here independently of the notifier: the signature over the raw body
/// before parsing (401 when it does not match), then that <c>status_callback_url</c> names this endpoint (400 when not).
/// It keeps what it accepted, raw, and why it refused the rest.
/// </summary>
internal sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failNext;
    private string? _secret;

    private CallbackReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = string.Empty;

    public ConcurrentQueue<ReceivedCallback> Received { get; } = new();

    public ConcurrentQueue<string> Refusals { get; } = new();

    /// <summary>The shared secret to check signatures with; until set, every callback is accepted unchecked.</summary>
    public string? Secret
    {
        get => Volatile.Read(ref _secret);
        set => Volatile.Write(ref _secret, value);
    }

    /// <summary>The next <paramref name="calls"/> calls answer 503 before it accepts again (a receiver that is briefly down).</summary>
    public void FailNext(int calls) => Volatile.Write(ref _failNext, calls);

    public static async Task<CallbackReceiver> StartAsync(string? secret = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new CallbackReceiver(app) { Secret = secret };
        app.MapPost("/opendsr/callback", receiver.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address.TrimEnd('/') + "/opendsr/callback";
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (Interlocked.Decrement(ref _failNext) >= 0)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        var signature = request.Headers["X-OpenDSR-Signature"].ToString();
        if (Secret is { } secret && signature != Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)))
        {
            Refusals.Enqueue("signature does not match the body");
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        var callback = new ReceivedCallback(body, signature, request.Headers["X-OpenDSR-Processor-Domain"].ToString(), request.ContentType);
        if (callback.Json["status_callback_url"]?.GetValue<string>() != Url)
        {
            Refusals.Enqueue("status_callback_url is not this endpoint");
            return Results.StatusCode(StatusCodes.Status400BadRequest);
        }

        Received.Enqueue(callback);
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }
}

internal sealed record ReceivedCallback(byte[] Body, string Signature, string ProcessorDomain, string? ContentType)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public string Status => Json["request_status"]!.GetValue<string>();
}
