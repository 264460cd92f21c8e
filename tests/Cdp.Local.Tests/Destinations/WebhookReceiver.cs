using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Cdp.Local.Tests.Destinations;

/// <summary>
/// A webhook endpoint on 127.0.0.1 as a destination runs one: it verifies each request with the Standard Webhooks
/// reference library (401 when the signature does not hold), then answers 200, or the status it was told to refuse with.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _secret;
    private readonly ConcurrentQueue<int> _refusals = new();

    private WebhookReceiver(WebApplication app, string secret) => (_app, _secret) = (app, secret);

    public string Url { get; private set; } = string.Empty;

    public ConcurrentQueue<(string WebhookId, string Body)> Accepted { get; } = new();

    public ConcurrentQueue<string> Unverified { get; } = new();

    public static async Task<WebhookReceiver> StartAsync(string secret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, secret);
        app.MapPost("/hooks", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/hooks";
        return receiver;
    }

    /// <summary>The next request is answered with <paramref name="status"/> (after it was verified).</summary>
    public void RefuseNext(int status) => _refusals.Enqueue(status);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        try
        {
            new StandardWebhook(_secret).Verify(body, request.Headers);
        }
        catch (WebhookVerificationException e)
        {
            Unverified.Enqueue(e.Message);
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        if (_refusals.TryDequeue(out var status))
        {
            return Results.StatusCode(status);
        }

        Accepted.Enqueue((request.Headers["webhook-id"].ToString(), body));
        return Results.Ok();
    }
}
