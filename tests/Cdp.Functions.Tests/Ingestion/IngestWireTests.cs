using System.IO.Compression;
using System.Text;
using Azure.Messaging.EventHubs;
using Cdp.Core.Events;
using Cdp.Core.Http;
using Cdp.Core.Ingestion;
using Cdp.Functions.Ingestion;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Tests.InMemory;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Functions.Tests.Ingestion;

/// <summary>
/// What unchanged clients send to the ingest function: the browser tag's short routes, text/plain bodies and CORS,
/// the server SDKs' compressed bodies and retry headers, and the 429 the SDKs wait out.
/// </summary>
public sealed class IngestWireTests : IDisposable
{
    private const string ShopKey = "wk_shop";
    private const string ShopOrigin = "https://shop.example";

    private readonly FunctionsHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Theory]
    [InlineData("t", """{"userId":"u-1","event":"Viewed"}""", "track")]
    [InlineData("p", """{"userId":"u-1","name":"Home"}""", "page")]
    [InlineData("i", """{"userId":"u-1","traits":{"plan":"pro"}}""", "identify")]
    [InlineData("s", """{"userId":"u-1","name":"Main"}""", "screen")]
    [InlineData("g", """{"userId":"u-1","groupId":"acme"}""", "group")]
    [InlineData("a", """{"userId":"u-1","previousId":"anon-1"}""", "alias")]
    [InlineData("b", """{"batch":[{"type":"track","userId":"u-1","event":"Viewed"}]}""", "track")]
    public async Task Run_ShortRoute_AcceptedAsItsLongRoute(string route, string body, string type)
    {
        var answer = await PostAsync(route, Body(body));

        Assert.Equal(200, answer.Status);
        Assert.Equal(1, answer.Json.GetProperty("accepted").GetInt32());
        Assert.Equal(type, Assert.Single(_harness.Queue.Take()).Type);
    }

    [Fact]
    public async Task Run_ShortRouteWithoutUserOrAnonymousId_400LikeTheLongRoute()
    {
        var answer = await PostAsync("t", Body("""{"event":"Viewed"}"""));

        Assert.Equal(400, answer.Status);
        Assert.Contains("userId or anonymousId is required", answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TextPlainBodyAsTheBrowserTagSendsIt_Accepted()
    {
        var request = BodyAs(null, """{"userId":"u-1","event":"Viewed","writeKey":"wk_functions_test"}""", "text/plain;charset=UTF-8");

        var answer = await RunAsync("t", request);

        Assert.Equal(200, answer.Status);
        Assert.Equal(1, _harness.Queue.Count);
    }

    [Theory]
    [InlineData("p", "page", "\"name\":null,\"category\":null,\"properties\":{\"path\":\"/\",\"referrer\":\"\",\"search\":\"\",\"title\":\"Shop\",\"url\":\"https://shop.example/\"}")]
    [InlineData("t", "track", "\"event\":\"Added\",\"properties\":{\"sku\":\"a-1\"}")]
    [InlineData("i", "identify", "\"traits\":{\"email\":\"jane@example.com\"}")]
    public async Task Run_PayloadAsAnalyticsNextBuildsIt_Accepted(string route, string type, string fields)
    {
        // The shape analytics-next posts (plugins/segmentio/normalize.ts): nulls where it knows nothing, its metadata.
        var body = "{\"type\":\"" + type + "\"," + fields + """
            ,"timestamp":"2026-11-30T11:59:58.123Z","integrations":{},"messageId":"ajs-next-1796039998123-3a2b",
            "anonymousId":"6f1e2d3c-4b5a-4978-8d6c-5b4a39281706","userId":null,"writeKey":"wk_functions_test",
            "sentAt":"2026-11-30T11:59:58.200Z","_metadata":{"bundled":["Segment.io"],"unbundled":[],"bundledIds":[]},
            "context":{"page":{"path":"/","url":"https://shop.example/"},"userAgent":"Mozilla/5.0","locale":"en-US",
            "library":{"name":"analytics.js","version":"npm:next-1.84.3"}}}
            """;

        var answer = await RunAsync(route, BodyAs(FunctionsHarness.Basic(FunctionsHarness.WriteKey), body, "text/plain"));

        Assert.Equal(200, answer.Status);
        var queued = Assert.Single(_harness.Queue.Take());
        Assert.Equal(type, queued.Type);
        Assert.Null(queued.UserId);
    }

    [Theory]
    [InlineData("gzip", "application/json")]
    [InlineData("deflate", "application/json")]
    [InlineData("gzip", "application/x-www-form-urlencoded")]
    public async Task Run_CompressedBodyAsServerSdksSendIt_Accepted(string encoding, string contentType)
    {
        // The last row is RudderStack's Node SDK: axios labels its gzipped buffer as a form.
        var json = Encoding.UTF8.GetBytes("""{"batch":[{"type":"track","userId":"u-1","event":"A"},{"type":"identify","userId":"u-1"}]}""");
        var request = HttpRequests.Build("POST", "/v1/batch", Compress(json, encoding), FunctionsHarness.Basic(FunctionsHarness.WriteKey), contentType);
        request.Headers.ContentEncoding = encoding;
        request.Headers.UserAgent = "analytics-node/3.1.1";

        var answer = await RunAsync("batch", request);

        Assert.Equal(200, answer.Status);
        Assert.Equal(2, answer.Json.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task Run_FormBodyThatIsNotJson_400NotStored()
    {
        var answer = await PostAsync("track", Body("userId=u-1&event=Viewed", contentType: "application/x-www-form-urlencoded"));

        Assert.Equal(400, answer.Status);
        Assert.Equal(0, _harness.Queue.Count);
    }

    [Fact]
    public async Task Run_GzipBomb_413AfterReadingLittleOfIt()
    {
        // 100 MB of zeros gzip to about 100 KB: the host must stop at its limit, long before the end of either.
        var bomb = Compress(new byte[100 * 1024 * 1024], "gzip", CompressionLevel.Optimal);
        var body = new CountingStream(bomb);
        var request = HttpRequests.Build("POST", "/v1/batch", [], FunctionsHarness.Basic(FunctionsHarness.WriteKey), "application/json");
        request.Headers.ContentEncoding = "gzip";
        request.Body = body;
        request.ContentLength = bomb.Length;

        var answer = await RunAsync("batch", request);

        Assert.Equal(413, answer.Status);
        Assert.Contains("decompressed", answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(body.BytesRead < bomb.Length / 4, $"read {body.BytesRead} of {bomb.Length} compressed bytes");
        Assert.Equal(0, _harness.Queue.Count);
    }

    [Fact]
    public async Task Run_RetryWithXRetryCount_AcceptedAndTheSameMessageIdKept()
    {
        var request = Body("""{"batch":[{"type":"track","userId":"u-1","event":"A","messageId":"m-retry"}]}""");
        request.Headers["X-Retry-Count"] = "2";

        var answer = await RunAsync("batch", request);

        Assert.Equal(200, answer.Status);
        Assert.Equal("m-retry", Assert.Single(_harness.Queue.Take()).MessageId);
    }

    [Theory]
    [InlineData("track")]
    [InlineData("b")]
    public async Task Preflight_FromAnyOrigin_204AllowingTheSdkHeaders(string route)
    {
        var request = HttpRequests.Build("OPTIONS", "/v1/" + route, null, null, null);
        request.Headers.Origin = "https://anywhere.example";
        request.Headers.AccessControlRequestMethod = "POST";
        request.Headers.AccessControlRequestHeaders = "authorization,content-type,x-retry-count";

        var answer = await IngestFunction.Preflight(request, route).ExecuteAsync(request);

        Assert.Equal(204, answer.Status);
        Assert.Equal("https://anywhere.example", answer.Headers["Access-Control-Allow-Origin"]);
        Assert.Contains("POST", answer.Headers["Access-Control-Allow-Methods"], StringComparison.Ordinal);
        Assert.Equal("authorization, content-type, x-retry-count", answer.Headers["Access-Control-Allow-Headers"]);
        Assert.Equal(CrossOrigin.MaxAgeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.Headers["Access-Control-Max-Age"]);
        Assert.Contains("Origin", answer.Headers["Vary"], StringComparison.Ordinal);
        Assert.Equal(string.Empty, answer.Body);
    }

    [Fact]
    public async Task Preflight_AskingForAHeaderOutsideTheList_LeavesItOut()
    {
        var request = HttpRequests.Build("OPTIONS", "/v1/t", null, null, null);
        request.Headers.Origin = "https://anywhere.example";
        request.Headers.AccessControlRequestHeaders = "content-type,x-secret-admin";

        var answer = await IngestFunction.Preflight(request, "t").ExecuteAsync(request);

        Assert.Equal("content-type", answer.Headers["Access-Control-Allow-Headers"]);
    }

    [Fact]
    public async Task Run_FromAnAllowedOrigin_AcceptedAndReadableByThePage()
    {
        AddShop();
        var request = BodyAs(FunctionsHarness.Basic(ShopKey), """{"userId":"u-1","event":"Viewed"}""");
        request.Headers.Origin = ShopOrigin;

        var answer = await RunAsync("t", request);

        Assert.Equal(200, answer.Status);
        Assert.Equal(ShopOrigin, answer.Headers["Access-Control-Allow-Origin"]);
        Assert.Equal("Retry-After", answer.Headers["Access-Control-Expose-Headers"]);
        Assert.Equal(1, _harness.Queue.Count);
    }

    [Theory]
    [InlineData("""{"userId":"u-1","event":"Viewed"}""")]
    [InlineData("""{"userId":"u-1","event":""")]
    public async Task Run_FromAnOriginTheSourceDoesNotAllow_403AndNothingStored(string body)
    {
        AddShop();
        var request = BodyAs(FunctionsHarness.Basic(ShopKey), body);
        request.Headers.Origin = "https://evil.example";

        var answer = await RunAsync("t", request);

        Assert.Equal(403, answer.Status);
        Assert.False(answer.Json.GetProperty("success").GetBoolean());
        Assert.Contains("https://evil.example", answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _harness.Queue.Count);
    }

    [Fact]
    public async Task Run_WithoutOriginOnARestrictedSource_AcceptedAsFromAServer()
    {
        AddShop();

        var answer = await RunAsync("t", BodyAs(FunctionsHarness.Basic(ShopKey), """{"userId":"u-1","event":"Viewed"}"""));

        Assert.Equal(200, answer.Status);
        Assert.False(answer.Headers.ContainsKey("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Run_QueueThrottling_429WithRetryAfterClaimingNothing()
    {
        var hubBusy = new EventHubsException(isTransient: true, "events", "busy", EventHubsException.FailureReason.ServiceBusy);
        _harness.ServiceCollection.Replace(ServiceDescriptor.Singleton<IEventQueue>(
            new ThrowingQueue(new QueueThrottledException("Event Hubs refused the events: ServiceBusy", 7, hubBusy))));

        var answer = await PostAsync("batch", Body("""{"batch":[{"type":"track","userId":"u-1","event":"A"}]}"""));

        Assert.Equal(429, answer.Status);
        Assert.Equal("7", answer.Headers["Retry-After"]);
        Assert.False(answer.Json.GetProperty("success").GetBoolean());
        Assert.False(answer.Json.TryGetProperty("accepted", out _));
    }

    [Fact]
    public async Task Run_GateClosedThenOpen_429WithRetryAfterThenAccepted()
    {
        var gate = new SwitchGate { Pause = new IngestPause("the host is behind", 3) };
        _harness.ServiceCollection.Replace(ServiceDescriptor.Singleton<IIngestGate>(gate));
        var body = """{"batch":[{"type":"track","userId":"u-1","event":"A"}]}""";

        var refused = await PostAsync("b", Body(body));
        gate.Pause = null;
        var accepted = await PostAsync("b", Body(body));

        Assert.Equal(429, refused.Status);
        Assert.Equal("3", refused.Headers["Retry-After"]);
        Assert.Contains("the host is behind", refused.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, accepted.Status);
        Assert.Equal(1, _harness.Queue.Count);
    }

    [Theory]
    [InlineData("get")]
    [InlineData("delete")]
    public async Task MethodNotAllowed_OnAnIngestRoute_405NamingPost(string method)
    {
        var request = HttpRequests.Build(method.ToUpperInvariant(), "/v1/track", null, null, null);

        var answer = await IngestFunction.MethodNotAllowed(request, "track").ExecuteAsync(request);

        Assert.Equal(405, answer.Status);
        Assert.Equal(IngestAnswers.Methods, answer.Headers["Allow"]);
    }

    private void AddShop() => _harness.Get<InMemorySourceDirectory>().Add(
        ShopKey, new Source("src-shop", "Shop") { AllowedOrigins = SourceOrigins.FromSettings([ShopOrigin + "/"]) });

    private static HttpRequest Body(string json, string contentType = "application/json") =>
        BodyAs(FunctionsHarness.Basic(FunctionsHarness.WriteKey), json, contentType);

    private static HttpRequest BodyAs(string? authorization, string json, string contentType = "application/json") =>
        HttpRequests.Post("/v1/any", json, authorization, contentType);

    private Task<Answer> PostAsync(string route, HttpRequest request) => RunAsync(route, request);

    private async Task<Answer> RunAsync(string route, HttpRequest request)
    {
        var result = await _harness.Create<IngestFunction>().Run(request, route, CancellationToken.None);
        return await result.ExecuteAsync(request);
    }

    internal static byte[] Compress(byte[] data, string encoding, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var output = new MemoryStream();
        using (Stream compressor = encoding == "gzip"
            ? new GZipStream(output, level, leaveOpen: true)
            : new ZLibStream(output, level, leaveOpen: true))
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }

    private sealed class ThrowingQueue(Exception failure) : IEventQueue
    {
        public Task EnqueueAsync(IReadOnlyList<SegmentEvent> events, CancellationToken cancellationToken) => Task.FromException(failure);
    }

    private sealed class SwitchGate : IIngestGate
    {
        public IngestPause? Pause { get; set; }

        public ValueTask<IngestPause?> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Pause);
    }

    /// <summary>A request body that counts the (compressed) bytes the host read from it; each read is counted once.</summary>
    private sealed class CountingStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data, writable: false);

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Counted(_inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Counted(_inner.Read(buffer));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Counted(_inner.Read(buffer.Span)));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Counted(_inner.Read(buffer, offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Counted(int read)
        {
            BytesRead += read;
            return read;
        }
    }
}
