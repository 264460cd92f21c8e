using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cdp.Local.Ingestion;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Local.Tests.Functional;

/// <summary>
/// What the Node server SDKs send to the local host: analytics-node (JSON, X-Retry-Count on retries) and RudderStack's
/// (gzip under axios's form content type), a decompression bomb, and the 429 they wait out when the host is behind.
/// </summary>
public sealed class ServerSdkWireTests(HostFixture host) : IClassFixture<HostFixture>
{
    private readonly CdpClient _client = host.Client;

    [Theory]
    [InlineData("gzip", "application/json")]
    [InlineData("deflate", "application/json")]
    [InlineData("gzip", "application/x-www-form-urlencoded")]
    public async Task Post_CompressedBatch_AcceptedAndProcessed(string encoding, string contentType)
    {
        var userId = $"zip-{encoding}-{contentType.Length}";
        var json = Events.Batch(Events.Identify(userId, plan: "gold"), Events.Track(userId, "Zipped"));
        using var request = Post("/v1/batch", Compress(Encoding.UTF8.GetBytes(json), encoding), contentType, encoding);
        request.Headers.UserAgent.ParseAdd("analytics-node/3.1.1");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(2, response.Accepted);
        var profile = await _client.WaitForProfileAsync("userId", userId, p => p.EventCount() == 2);
        Assert.Equal("gold", profile.Trait("plan"));
    }

    [Fact]
    public async Task Post_RetryAsAnalyticsNodeSendsIt_Accepted()
    {
        using var request = Post("/v1/batch", Encoding.UTF8.GetBytes(Events.Batch(Events.Track("retry-1", "Again"))), "application/json", encoding: null);
        request.Headers.Add("X-Retry-Count", "3");
        request.Headers.UserAgent.ParseAdd("analytics-node-next/latest");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Post_GzipBombOfTenMegabytes_413NamingTheDecompressedLimit()
    {
        var bomb = Compress(new byte[10 * 1024 * 1024], "gzip");
        using var request = Post("/v1/batch", bomb, "application/json", "gzip");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Contains("decompressed", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_CorruptGzip_400()
    {
        var body = Compress(Encoding.UTF8.GetBytes(Events.Batch(Events.Track("corrupt", "E"))), "gzip");
        body[body.Length / 2] ^= 0xFF;
        body[(body.Length / 2) + 1] ^= 0xFF;

        var response = await _client.SendAsync(Post("/v1/batch", body, "application/json", "gzip"));

        Assert.True(response.Status is HttpStatusCode.BadRequest, response.ToString());
    }

    [Fact]
    public async Task Post_OverTheQueueDepth_429WithRetryAfterUntilTheOutboxDrains()
    {
        using var data = new TempDataDirectory();
        using var behind = new LocalHostFactory(
            data.Path,
            ("Cdp:Local:Processing:Enabled", "false"),
            ("Cdp:Local:Ingestion:MaxQueueDepth", "3"),
            ("Cdp:Local:Ingestion:RetryAfterSeconds", "1"));
        var client = behind.CreateCdpClient();
        var three = Events.Batch(Events.Track("deep-1", "A"), Events.Track("deep-1", "B"), Events.Track("deep-1", "C"));
        var outbox = behind.Services.GetRequiredService<ILocalOutbox>();

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/batch", three)).Status);
        // The gate reads the depth at most every 100 ms; an empty batch (400 when let through) probes it without queueing.
        await Poll.UntilAsync(() => client.PostAsync("/v1/batch", """{"batch":[]}"""), r => r.Status == HttpStatusCode.TooManyRequests, "a 429");
        using var refused = await client.Http.SendAsync(Post("/v1/batch", Encoding.UTF8.GetBytes(three), "application/json", null));
        var refusedBody = await refused.Content.ReadAsStringAsync();
        var queuedWhileRefusing = await outbox.CountAsync(CancellationToken.None);
        await outbox.ProcessNextAsync(100, (_, _) => Task.CompletedTask, CancellationToken.None);
        var accepted = await Poll.UntilAsync(() => client.PostAsync("/v1/batch", three), r => r.Status != HttpStatusCode.TooManyRequests, "ingest to reopen");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("\"success\":false", refusedBody, StringComparison.Ordinal);
        Assert.DoesNotContain("\"accepted\"", refusedBody, StringComparison.Ordinal);
        Assert.Equal(3, queuedWhileRefusing);
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal(3, accepted.Accepted);
    }

    internal static byte[] Compress(byte[] data, string encoding)
    {
        using var output = new MemoryStream();
        using (Stream compressor = encoding == "gzip"
            ? new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)
            : new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }

    private static HttpRequestMessage Post(string path, byte[] body, string contentType, string? encoding)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (encoding is not null)
        {
            request.Content.Headers.ContentEncoding.Add(encoding);
        }

        request.Headers.Authorization = CdpClient.Basic(LocalHostFactory.WriteKey);
        return request;
    }
}
