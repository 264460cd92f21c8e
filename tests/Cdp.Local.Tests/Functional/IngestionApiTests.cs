using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Functional;

public sealed class IngestionApiTests(HostFixture host) : IClassFixture<HostFixture>
{
    private readonly CdpClient _client = host.Client;

    public static TheoryData<string, string, string> Routes => new()
    {
        // route, body (userId route-1-{route}), the count the profile shows
        { "identify", """{"userId":"route-identify","traits":{"email":"route@example.com"}}""", "identify" },
        { "track", """{"userId":"route-track","event":"Order Completed","properties":{"revenue":12}}""", "Order Completed" },
        { "page", """{"userId":"route-page","name":"Pricing"}""", "page" },
        { "screen", """{"userId":"route-screen","name":"Home"}""", "screen" },
        { "group", """{"userId":"route-group","groupId":"acme"}""", "group" },
        { "alias", """{"userId":"route-alias","previousId":"anon-77"}""", "alias" },
        { "batch", """{"batch":[{"type":"track","userId":"route-batch","event":"Signed Up"}]}""", "Signed Up" },
        { "import", """{"batch":[{"type":"page","userId":"route-import","name":"Docs"}]}""", "page" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Post_ValidCallOnEachRoute_AcceptedAndCountedOnProfile(string route, string body, string countKey)
    {
        var response = await _client.PostAsync($"/v1/{route}", body);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(1, response.Accepted);
        Assert.Empty(response.Rejected);
        var userId = JsonNode.Parse(body)!["userId"]?.GetValue<string>() ?? JsonNode.Parse(body)!["batch"]![0]!["userId"]!.GetValue<string>();
        var profile = await _client.WaitForProfileAsync("userId", userId);
        Assert.Equal(1, profile.CountOf(countKey));
    }

    [Fact]
    public async Task Batch_MixedValidAndInvalid_KeepsEveryValidEventAndReportsEachRejectedByIndex()
    {
        var body = """
            {"batch":[
              {"type":"identify","userId":"mixed-1","traits":{"plan":"gold"}},
              {"type":"track","event":"No One"},
              {"type":"track","userId":"mixed-1"},
              {"type":"track","userId":"mixed-1","event":"Kept"},
              {"type":"identify","userId":{"nested":true}},
              {"type":"bogus","userId":"mixed-1"},
              {"type":"page","userId":"mixed-1","name":"Kept Page"},
              42,
              {"type":"track","userId":"mixed-1","event":"Late","timestamp":"yesterday"}
            ]}
            """;

        var response = await _client.PostAsync("/v1/batch", body);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(3, response.Accepted);
        var rejected = response.Rejected;
        Assert.Equal([1, 2, 4, 5, 7, 8], rejected.Select(r => r.Index));
        Assert.Contains("userId or anonymousId is required", rejected[0].Reason, StringComparison.Ordinal);
        Assert.Contains("event is required", rejected[1].Reason, StringComparison.Ordinal);
        Assert.Contains("userId", rejected[2].Reason, StringComparison.Ordinal);
        Assert.Contains("bogus", rejected[3].Reason, StringComparison.Ordinal);
        Assert.Contains("JSON object", rejected[4].Reason, StringComparison.Ordinal);
        Assert.Contains("timestamp", rejected[5].Reason, StringComparison.Ordinal);

        var profile = await _client.WaitForProfileAsync("userId", "mixed-1", p => p.EventCount() == 3);
        Assert.Equal(1, profile.CountOf("Kept"));
        Assert.Equal(1, profile.CountOf("page"));
        Assert.Equal("gold", profile.Trait("plan"));
    }

    public static TheoryData<string, string, string> BadRequests => new()
    {
        { "/v1/identify", """{"userId":"x","traits":{"email":"a@b.c"}""", "malformed JSON" },
        { "/v1/batch", "not json at all", "malformed JSON" },
        { "/v1/identify", """{"userId":"x"} trailing""", "malformed JSON" },
        { "/v1/identify", """{"userId":"x"} {"userId":"y"}""", "malformed JSON" },
        { "/v1/batch", """[{"type":"track"}]""", "JSON object" },
        { "/v1/batch", """{"batch":{"type":"track"}}""", "array" },
        { "/v1/identify", """{"userId":"x","traits":"gold"}""", "traits" },
        { "/v1/track", """{"userId":"x","event":"E","timestamp":12345}""", "timestamp" },
        { "/v1/identify", """{"userId":true}""", "userId" },
        { "/v1/identify", """{"traits":{"email":"nobody@example.com"}}""", "userId or anonymousId is required" },
        { "/v1/track", """{"userId":"x"}""", "event is required" },
        { "/v1/alias", """{"userId":"x"}""", "previousId is required" },
        { "/v1/batch", """{"batch":[]}""", "batch is empty" },
        { "/v1/track", """{"userId":"x","event":"E","properties":{"x":"\udc00"}}""", "Unicode" },
        { "/v1/batch", """{"batch":[{"type":"track","event":"E"}]}""", "no valid events" },
        { "/v1/identify", "", "empty" },
        { "/v1/track", "{\"userId\":\"x\",\"event\":\"E\",\"properties\":{\"blob\":\"" + new string('a', 33 * 1024) + "\"}}", "32 KB" },
        { "/v1/batch", LargeBatch(520 * 1024), "500 KB" },
        { "/v1/batch", ManyEvents(2501), "2500" },
        { "/v1/identify", new string('[', 5000), "JSON object" },
        { "/v1/track", """{"userId":"x","event":"E","properties":{"deep":""" + new string('[', 5000) + "}}", "malformed JSON" },
        { "/v1/batch", """{"batch":[{"type":"track","userId":"x","event":"E","properties":""" + new string('[', 5000) + "}]}", "malformed JSON" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Post_BadInput_400NamingTheProblem(string path, string body, string problem)
    {
        var response = await _client.PostAsync(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/json", response.MediaType);
        Assert.False(response.Json!["success"]!.GetValue<bool>());
        Assert.Contains(problem, response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_OneOversizeEventAmongValid_OthersKept()
    {
        var big = new JsonObject { ["type"] = "track", ["userId"] = "big-1", ["event"] = "Big", ["properties"] = new JsonObject { ["blob"] = new string('b', 33 * 1024) } };
        var response = await _client.PostAsync("/v1/batch", Events.Batch(Events.Track("big-1", "Small"), big));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(1, response.Accepted);
        var (index, reason) = Assert.Single(response.Rejected);
        Assert.Equal(1, index);
        Assert.Contains("32 KB", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_EventWithUnpairedSurrogateEscape_RejectedAloneOthersKept()
    {
        var body = """{"batch":[{"type":"track","userId":"surrogate-1","event":"Fine"},{"type":"track","userId":"surrogate-1","event":"Broken","properties":{"x":"\ud800"}}]}""";

        var response = await _client.PostAsync("/v1/batch", body);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(1, response.Accepted);
        var (index, reason) = Assert.Single(response.Rejected);
        Assert.Equal(1, index);
        Assert.Contains("Unicode", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_InvalidUtf8InBatchStructure_400()
    {
        var body = Encoding.UTF8.GetBytes("""{"batch":[],"co__ntext":{}}""");
        body[14] = 0xFF;
        body[15] = 0xFE;

        var response = await _client.PostAsync("/v1/batch", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("UTF-8", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_InvalidUtf8InPropertyValue_NoServerError()
    {
        var body = Encoding.UTF8.GetBytes("""{"userId":"utf8-1","event":"E","properties":{"x":"__"}}""");
        body[^5] = 0xFF;
        body[^4] = 0xFE;

        var response = await _client.PostAsync("/v1/track", body);

        Assert.True(response.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, response.ToString());
    }

    [Fact]
    public async Task Post_UnknownWriteKey_401()
    {
        var response = await _client.PostAsync("/v1/identify", """{"userId":"x"}""", key: "not-a-key");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("unknown write key", response.Error);
    }

    [Fact]
    public async Task Post_MissingWriteKey_401NamingBothWaysToSendIt()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/identify")
        {
            Content = new StringContent("""{"userId":"x"}""", Encoding.UTF8, "application/json"),
        };

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Contains("missing write key", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_MalformedBodyWithUnknownKey_401BeforeAnyParsingDetail()
    {
        var response = await _client.PostAsync("/v1/batch", "{{{{", key: "not-a-key");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task Post_WriteKeyInBody_Accepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch")
        {
            Content = new StringContent(
                $$"""{"writeKey":"{{LocalHostFactory.WriteKey}}","batch":[{"type":"track","userId":"body-key","event":"E"}]}""",
                Encoding.UTF8,
                "application/json"),
        };

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(1, response.Accepted);
    }

    [Fact]
    public async Task Post_BodyOverRequestLimit_413BeforeReadingIt()
    {
        var response = await _client.PostAsync("/v1/batch", LargeBatch(700 * 1024));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Contains("limit", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ChunkedBodyOverRequestLimit_413()
    {
        // A real Kestrel server: the in-memory test server would add a Content-Length. Without one, the host
        // must stop reading at the limit rather than buffer whatever the client sends.
        using var data = new TempDataDirectory();
        using var kestrel = new LocalHostFactory(data.Path);
        kestrel.UseKestrel(0);
        // No redirect handler: it would buffer the body to be able to resend it, and so give it a length.
        kestrel.StartServer();
        var client = new CdpClient(kestrel.CreateClient(new() { BaseAddress = kestrel.ClientOptions.BaseAddress, AllowAutoRedirect = false, HandleCookies = false }), null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch")
        {
            Content = new UnknownLengthContent(Encoding.UTF8.GetBytes(LargeBatch(2 * 1024 * 1024))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = CdpClient.Basic(LocalHostFactory.WriteKey);

        var response = await client.SendAsync(request);

        Assert.Null(request.Content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Contains("too large", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WrongContentType_415()
    {
        var response = await _client.PostAsync("/v1/identify", "<userId>x</userId>", contentType: "application/xml");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        Assert.Contains("application/json", response.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task OtherMethod_OnIngestRoute_405WithJsonError(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/v1/batch");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.Status);
        Assert.Contains("POST", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UnknownRoute_404NamingTheRoutes()
    {
        var response = await _client.PostAsync("/v1/purchase", """{"userId":"x"}""");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Contains("identify", response.Error, StringComparison.Ordinal);
    }

    private static string LargeBatch(int bytes)
    {
        var items = new List<JsonObject>();
        var filler = new string('f', 8 * 1024);
        for (var size = 0; size < bytes; size += filler.Length + 80)
        {
            items.Add(new JsonObject { ["type"] = "track", ["userId"] = "large", ["event"] = "Large", ["properties"] = new JsonObject { ["f"] = filler } });
        }

        return Events.Batch([.. items]);
    }

    private static string ManyEvents(int count) =>
        Events.Batch([.. Enumerable.Range(0, count).Select(i => new JsonObject { ["type"] = "track", ["userId"] = "many", ["event"] = "E" })]);

    /// <summary>Content that does not say its length, so the request goes out chunked.</summary>
    private sealed class UnknownLengthContent(byte[] data) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(data).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
