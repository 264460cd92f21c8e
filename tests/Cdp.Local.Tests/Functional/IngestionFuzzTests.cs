using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Cdp.Local.Ingestion;
using Cdp.Local.Tests.Infrastructure;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Local.Tests.Functional;

/// <summary>
/// Thousands of randomly broken requests against the real host: whatever arrives, the answer is a 200, 400, 401
/// or 413 with a JSON body, and every event a 200 reports as accepted is in the outbox (none lost, none invented).
/// Each kind of breakage is also sent gzip- or deflate-compressed (some compressed streams broken in turn, some
/// decompression bombs) and on the browser SDKs' one-letter routes, where the same answers are due.
/// </summary>
public sealed class IngestionFuzzTests
{
    private const int Kinds = 11;
    private const int ItemLevelMix = 7;
    private const int BadAuth = 8;
    private const int Compressed = 9;
    private const int ShortRoute = 10;

    /// <summary>4 MB of zeros, gzipped once to a few KB: past the limit only once decompressed.</summary>
    private static readonly byte[] Bomb = ServerSdkWireTests.Compress(new byte[4 * 1024 * 1024], "gzip");

    private static readonly Dictionary<string, string> ShortPaths = new(StringComparer.Ordinal)
    {
        ["/v1/batch"] = "/v1/b", ["/v1/identify"] = "/v1/i", ["/v1/track"] = "/v1/t", ["/v1/page"] = "/v1/p",
        ["/v1/screen"] = "/v1/s", ["/v1/group"] = "/v1/g", ["/v1/alias"] = "/v1/a",
    };

    private static readonly HttpStatusCode[] Allowed =
        [HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.RequestEntityTooLarge];

    private static readonly string[] SingleRoutes = ["identify", "track", "page", "screen", "group", "alias"];

    [Fact]
    public async Task Post_RandomlyCorruptedPayloads_NeverServerErrorAndEveryAcceptedEventQueued()
    {
        using var data = new TempDataDirectory();
        // Ingest-only, so the outbox keeps exactly what was accepted.
        using var host = new LocalHostFactory(data.Path, ("Cdp:Local:Processing:Enabled", "false"));
        var client = host.CreateCdpClient();
        long reportedAccepted = 0;
        var seen = new int[Kinds];

        await Gen.Select(Gen.Int[0, Kinds - 1], Gen.Int[0, 6], Gen.Int).SampleAsync(
            async (kind, valid, seed) =>
            {
                var request = Build(kind, valid, new Random(seed));
                var response = await SendAsync(client, request);

                Assert.True(Allowed.Contains(response.Status), $"kind {kind}: {response}");
                Assert.Equal("application/json", response.MediaType);
                var json = response.Json;
                Assert.NotNull(json);
                var success = json["success"]!.GetValue<bool>();
                Assert.Equal(response.Status == HttpStatusCode.OK, success);
                if (!success)
                {
                    Assert.False(string.IsNullOrWhiteSpace(response.Error), $"kind {kind}: {response}");
                }

                if (request.Expected is { } expected)
                {
                    Assert.Equal(expected.Status, response.Status);
                    if (expected.Status == HttpStatusCode.OK)
                    {
                        Assert.Equal(expected.Accepted, response.Accepted);
                        Assert.Equal(expected.RejectedIndexes, response.Rejected.Select(r => r.Index));
                    }
                }

                Interlocked.Add(ref reportedAccepted, response.Accepted);
                Interlocked.Increment(ref seen[kind]);
            },
            iter: 2500,
            threads: 2);

        Assert.All(seen, count => Assert.True(count > 100, "every kind of corruption was tried"));
        var queued = await host.Services.GetRequiredService<ILocalOutbox>().CountAsync(CancellationToken.None);
        Assert.Equal(reportedAccepted, queued);
        Assert.True(queued > 500, $"valid events were sent and kept ({queued})");
    }

    private sealed record Expectation(HttpStatusCode Status, int Accepted, int[] RejectedIndexes);

    private sealed record FuzzRequest(string Path, byte[] Body, string? WriteKey = null, Expectation? Expected = null, string? ContentEncoding = null);

    private static async Task<ApiResponse> SendAsync(CdpClient client, FuzzRequest fuzz)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, fuzz.Path) { Content = new ByteArrayContent(fuzz.Body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (fuzz.ContentEncoding is { } encoding)
        {
            request.Content.Headers.ContentEncoding.Add(encoding);
        }

        request.Headers.Authorization = CdpClient.Basic(fuzz.WriteKey ?? LocalHostFactory.WriteKey);
        return await client.SendAsync(request);
    }

    /// <summary>One of the plain kinds, compressed: the same answer is due, unless the compressed stream itself is broken.</summary>
    private static FuzzRequest CompressedVariant(int valid, Random random)
    {
        var encoding = random.Next(2) == 0 ? "gzip" : "deflate";
        switch (random.Next(10))
        {
            case 0: // a decompression bomb
                return new FuzzRequest("/v1/batch", Bomb, ContentEncoding: "gzip", Expected: new Expectation(HttpStatusCode.RequestEntityTooLarge, 0, []));
            case 1: // a broken compressed stream: truncated or with flipped bytes
                var broken = ServerSdkWireTests.Compress(Build(ItemLevelMix, valid, random).Body, encoding);
                if (random.Next(2) == 0)
                {
                    broken = broken[..random.Next(broken.Length)];
                }
                else
                {
                    broken[random.Next(broken.Length)] ^= (byte)random.Next(1, 256);
                }

                return new FuzzRequest("/v1/batch", broken, ContentEncoding: encoding);
            default:
                var plain = Build(random.Next(0, BadAuth + 1), valid, random);
                return plain with { Body = ServerSdkWireTests.Compress(plain.Body, encoding), ContentEncoding = encoding };
        }
    }

    private static FuzzRequest Build(int kind, int valid, Random random)
    {
        var batch = Events.Batch([.. Enumerable.Range(0, valid + 1).Select(_ => ValidItem(random))]);
        var bytes = Encoding.UTF8.GetBytes(batch);
        switch (kind)
        {
            case 0: // truncated
                return new FuzzRequest("/v1/batch", bytes[..random.Next(bytes.Length)]);
            case 1: // flipped bytes
                for (var i = random.Next(1, 6); i > 0; i--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return new FuzzRequest("/v1/batch", bytes);
            case 2: // not JSON at all
                var noise = new byte[random.Next(0, 2000)];
                random.NextBytes(noise);
                return new FuzzRequest(random.Next(2) == 0 ? "/v1/batch" : "/v1/" + SingleRoutes[random.Next(SingleRoutes.Length)], noise);
            case 3: // JSON of the wrong shape
                string[] shapes = ["[]", "[{\"type\":\"track\"}]", "42", "\"batch\"", "null", "true", "{\"batch\":{}}", "{\"batch\":\"x\"}", "{\"batch\":[],\"context\":[]}", "{\"batch\":[],\"sentAt\":5}", "{\"writeKey\":7,\"batch\":[]}"];
                return new FuzzRequest(random.Next(2) == 0 ? "/v1/batch" : "/v1/identify", Encoding.UTF8.GetBytes(shapes[random.Next(shapes.Length)]));
            case 4: // huge strings
                int[] sizes = [33 * 1024, 520 * 1024, 700 * 1024];
                var huge = ValidItem(random);
                huge["properties"] = new JsonObject { ["huge"] = new string('h', sizes[random.Next(sizes.Length)]) };
                return random.Next(2) == 0
                    ? new FuzzRequest("/v1/batch", Encoding.UTF8.GetBytes(Events.Batch(huge)))
                    : new FuzzRequest("/v1/track", Encoding.UTF8.GetBytes(huge.ToJsonString()));
            case 5: // deep nesting, below and above the parser's limit
                int[] depths = [10, 60, 65, 300, 5000];
                var depth = depths[random.Next(depths.Length)];
                var nested = "{\"type\":\"track\",\"userId\":\"deep\",\"event\":\"Deep\",\"properties\":{\"n\":"
                    + new string('[', depth) + new string(']', depth) + "}}";
                return new FuzzRequest("/v1/batch", Encoding.UTF8.GetBytes("{\"batch\":[" + nested + "]}"));
            case 6: // a single call with one broken field
                var route = SingleRoutes[random.Next(SingleRoutes.Length)];
                return new FuzzRequest("/v1/" + route, Encoding.UTF8.GetBytes(BrokenItem(random)));
            case ItemLevelMix: // well-formed batch: valid events and broken ones side by side
                var items = new List<string>();
                var rejected = new List<int>();
                var broken = random.Next(1, 5);
                for (int v = 0, b = 0; v < valid || b < broken;)
                {
                    if (b < broken && (v == valid || random.Next(2) == 0))
                    {
                        rejected.Add(items.Count);
                        items.Add(BrokenItem(random));
                        b++;
                    }
                    else
                    {
                        items.Add(ValidItem(random).ToJsonString());
                        v++;
                    }
                }

                var body = Encoding.UTF8.GetBytes("{\"batch\":[" + string.Join(',', items) + "]}");
                return new FuzzRequest("/v1/batch", body, Expected: valid == 0
                    ? new Expectation(HttpStatusCode.BadRequest, 0, [])
                    : new Expectation(HttpStatusCode.OK, valid, [.. rejected]));
            case BadAuth:
                string[] keys = ["wrong-key", "functional-test-key-not", "x", new string('k', 400), "functional-test-keY"];
                return new FuzzRequest("/v1/batch", bytes, keys[random.Next(keys.Length)], new Expectation(HttpStatusCode.Unauthorized, 0, []));
            case Compressed:
                return CompressedVariant(valid, random);
            case ShortRoute: // any plain kind, on the one-letter route of its long one
                var onLongRoute = Build(random.Next(0, BadAuth + 1), valid, random);
                return onLongRoute with { Path = ShortPaths[onLongRoute.Path] };
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static JsonObject ValidItem(Random random)
    {
        var userId = "fuzz-" + random.Next(50);
        var properties = new JsonObject { ["text"] = RandomText(random, random.Next(0, 64)), ["n"] = random.NextDouble() * 1000 };
        JsonNode deep = new JsonObject { ["leaf"] = true };
        for (var i = random.Next(0, 20); i > 0; i--)
        {
            deep = new JsonObject { ["d"] = deep };
        }

        properties["deep"] = deep;
        return random.Next(4) switch
        {
            0 => new JsonObject { ["type"] = "identify", ["userId"] = userId, ["traits"] = new JsonObject { ["email"] = userId + "@example.com", ["note"] = RandomText(random, 20) } },
            1 => new JsonObject { ["type"] = "track", ["anonymousId"] = "anon-" + random.Next(1000), ["event"] = "Fuzzed " + random.Next(5), ["properties"] = properties },
            2 => new JsonObject { ["type"] = "page", ["userId"] = userId, ["name"] = RandomText(random, 10), ["properties"] = properties },
            _ => new JsonObject { ["type"] = "screen", ["userId"] = random.Next(100000), ["name"] = "S", ["timestamp"] = "2024-05-01T10:00:00Z" },
        };
    }

    /// <summary>Well-formed JSON that must be refused on its own merits.</summary>
    private static string BrokenItem(Random random)
    {
        string[] broken =
        [
            """{"type":"track","userId":{},"event":"E"}""",
            """{"type":"identify","userId":[1,2]}""",
            """{"type":"identify","anonymousId":true}""",
            """{"type":"identify","userId":"u","traits":"not an object"}""",
            """{"type":"track","userId":"u","event":"E","timestamp":"not-a-date"}""",
            """{"type":"track","userId":"u","event":"E","timestamp":12}""",
            """{"type":"track","userId":"u"}""",
            """{"type":"nope","userId":"u"}""",
            """{"event":"E","userId":"u"}""",
            """{"type":"identify"}""",
            """{"type":"identify","userId":"   "}""",
            "\"a string\"",
            "123",
            "null",
            "[]",
            "true",
            """{"type":"group","userId":"u"}""",
            """{"type":"alias","userId":"u"}""",
            """{"type":"track","userId":"u","event":"E","context":[]}""",
            "{\"type\":\"identify\",\"userId\":\"" + new string('u', 2000) + "\"}",
            "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"messageId\":\"" + new string('m', 300) + "\"}",
            "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"properties\":{\"blob\":\"" + new string('b', 33 * 1024) + "\"}}",
        ];
        return broken[random.Next(broken.Length)];
    }

    private static string RandomText(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            // Printable ASCII, Latin-1, CJK, and the odd control character: all legal inside a JSON string.
            chars[i] = random.Next(4) switch
            {
                0 => (char)random.Next(0x20, 0x7F),
                1 => (char)random.Next(0xA0, 0x100),
                2 => (char)random.Next(0x4E00, 0x4F00),
                _ => (char)random.Next(0x01, 0x20),
            };
        }

        return new string(chars);
    }
}
