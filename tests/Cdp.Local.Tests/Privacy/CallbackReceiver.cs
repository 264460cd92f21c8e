using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cdp.Local.Tests.Privacy;

/// <summary>A callback endpoint on 127.0.0.1, as a requester's system runs one: it keeps every POST it receives, raw.</summary>
internal sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CallbackReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public ConcurrentQueue<ReceivedCallback> Received { get; } = new();

    private int _failNext;

    /// <summary>The next <paramref name="calls"/> calls answer 503 before it accepts again (a receiver that is briefly down).</summary>
    public void FailNext(int calls) => Volatile.Write(ref _failNext, calls);

    public static async Task<CallbackReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        CallbackReceiver? receiver = null;
        app.MapPost("/opendsr/callback", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            if (Interlocked.Decrement(ref receiver!._failNext) >= 0)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            receiver.Received.Enqueue(new ReceivedCallback(
                body.ToArray(),
                request.Headers["X-OpenDSR-Signature"].ToString(),
                request.Headers["X-OpenDSR-Processor-Domain"].ToString()));
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new CallbackReceiver(app, address.TrimEnd('/') + "/opendsr/callback");
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

internal sealed record ReceivedCallback(byte[] Body, string Signature, string ProcessorDomain)
{
    public System.Text.Json.Nodes.JsonObject Json => System.Text.Json.Nodes.JsonNode.Parse(Body)!.AsObject();

    public string Status => Json["request_status"]!.GetValue<string>();
}
