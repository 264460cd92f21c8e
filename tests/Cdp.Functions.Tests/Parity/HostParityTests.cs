using System.IO.Compression;
using System.Text;
using Cdp.Functions.Tests.Infrastructure;

namespace Cdp.Functions.Tests.Parity;

/// <summary>
/// The same requests to both hosts get the same status codes, headers and bodies: clients, SDKs and privacy tools can
/// move between the embedded host and Azure without noticing. Every route's behaviour is Core's (ADR 0009); this
/// suite is what keeps it so.
/// </summary>
public sealed class HostParityTests : IDisposable
{
    /// <summary>Headers a client acts on; both hosts must send each of them alike (or neither).</summary>
    private static readonly string[] ComparedHeaders =
    [
        "Content-Type", "WWW-Authenticate", "Retry-After", "Allow", "Location", "Vary",
        "Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age",
        "Access-Control-Expose-Headers",
    ];

    private static readonly string Basic = FunctionsHarness.Basic(FunctionsHarness.WriteKey);

    private readonly ParityHosts _hosts = new();

    public static TheoryData<string> Cases => new(ParityCases.All.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task SameRequest_BothHosts_SameStatusHeadersAndBody(string name)
    {
        var request = ParityCases.All[name];

        var local = await _hosts.LocalAsync(request);
        var azure = await _hosts.FunctionsAsync(request);

        Assert.True(azure is not null, $"{request}: no Functions route");
        Assert.True(local.Status == azure.Status, $"{request}: local {local.Status} {local.Body} / Functions {azure.Status} {azure.Body}");
        foreach (var header in ComparedHeaders)
        {
            Assert.True(
                local.Headers.GetValueOrDefault(header) == azure.Headers.GetValueOrDefault(header),
                $"{request}: {header} local '{local.Headers.GetValueOrDefault(header)}' / Functions '{azure.Headers.GetValueOrDefault(header)}'");
        }

        Assert.Equal(local.Body, azure.Body);
    }

    public void Dispose() => _hosts.Dispose();

    /// <summary>Requests whose answers carry nothing generated (no ids, no times), so the bytes can be compared as they are.</summary>
    internal static class ParityCases
    {
        public static IReadOnlyDictionary<string, ParityRequest> All { get; } = new Dictionary<string, ParityRequest>
        {
            ["identify accepted"] = Ingest("/v1/identify", """{"userId":"p-1","traits":{"email":"p1@example.com"}}"""),
            ["batch with one invalid item"] = Ingest("/v1/batch", """{"batch":[{"type":"track","userId":"p-2","event":"A"},{"type":"track","event":"No id"}]}"""),
            ["malformed JSON"] = Ingest("/v1/track", """{"userId": "p-3", """),
            ["empty batch"] = Ingest("/v1/batch", """{"batch":[]}"""),
            ["no write key"] = new ParityRequest("POST", "/v1/track", Encoding.UTF8.GetBytes("""{"userId":"p-4","event":"A"}""")),
            ["unknown write key"] = new ParityRequest("POST", "/v1/track", Encoding.UTF8.GetBytes("""{"userId":"p-4","event":"A","writeKey":"nope"}""")),
            ["unknown ingest route"] = Ingest("/v1/nope", """{"userId":"p-5"}"""),
            ["oversize body"] = Ingest("/v1/batch", "{\"batch\":[],\"pad\":\"" + new string('x', 700 * 1024) + "\"}"),
            ["text/plain body (sendBeacon)"] = Ingest("/v1/track", """{"userId":"p-6","event":"Beacon"}""", "text/plain;charset=UTF-8"),
            ["unsupported content type"] = Ingest("/v1/track", "<track userId=\"p-7\"/>", "application/xml"),
            ["form label with a JSON body (axios default)"] = Ingest("/v1/track", """{"userId":"p-7","event":"A"}""", "application/x-www-form-urlencoded"),
            ["short route"] = Ingest("/v1/t", """{"userId":"p-11","event":"Short"}"""),
            ["preflight"] = new ParityRequest("OPTIONS", "/v1/t", null, null) { Headers = new() { ["Origin"] = "https://shop.example", ["Access-Control-Request-Method"] = "POST", ["Access-Control-Request-Headers"] = "content-type,authorization" } },
            ["cross-origin track"] = Ingest("/v1/t", """{"userId":"p-12","event":"Cors"}""") with { Headers = new() { ["Authorization"] = Basic, ["Origin"] = "https://shop.example" } },
            ["settings unknown key"] = new ParityRequest("GET", "/v1/projects/nope/settings"),
            ["settings for the tag"] = new ParityRequest("GET", $"/v1/projects/{FunctionsHarness.WriteKey}/settings") { Headers = new() { ["Origin"] = "https://shop.example" } },
            ["gzip body"] = Compressed("gzip", """{"batch":[{"type":"identify","userId":"p-8","traits":{"plan":"pro"}}]}"""),
            ["deflate body"] = Compressed("deflate", """{"batch":[{"type":"identify","userId":"p-9"}]}"""),
            ["unknown content encoding"] = Ingest("/v1/track", """{"userId":"p-10","event":"A"}""") with { Headers = new() { ["Authorization"] = Basic, ["Content-Encoding"] = "br" } },
            ["gzip bomb"] = Bomb(),
            ["profile lookup bad type"] = new ParityRequest("GET", "/api/profiles?identifierType=shoeSize&value=42"),
            ["profile lookup nobody"] = new ParityRequest("GET", "/api/profiles?identifierType=email&value=nobody@example.com"),
            ["profile unknown id"] = new ParityRequest("GET", "/api/profiles/p-nobody"),
            ["consent unknown profile"] = new ParityRequest("GET", "/api/profiles/p-nobody/consent"),
            ["privacy discovery"] = new ParityRequest("GET", "/api/privacy/discovery") { AsCompliance = true },
            ["privacy request not a uuid"] = new ParityRequest("GET", "/api/privacy/requests/not-a-uuid") { AsCompliance = true },
            ["privacy request unknown"] = new ParityRequest("GET", "/api/privacy/requests/0b0c8e57-6f1a-4b7e-9a55-2f7b1c0d9e11") { AsCompliance = true },
            ["privacy list bad page size"] = new ParityRequest("GET", "/api/privacy/requests?page_size=0") { AsCompliance = true },
            ["privacy submit invalid"] = new ParityRequest("POST", "/api/privacy/requests", Encoding.UTF8.GetBytes("""{"regulation":"gdpr","subject_request_type":"erasure"}""")) { AsCompliance = true },
            ["privacy submit wrong media type"] = new ParityRequest("POST", "/api/privacy/requests", Encoding.UTF8.GetBytes("{}"), "text/plain") { AsCompliance = true },
            ["segments none yet"] = new ParityRequest("GET", "/api/segments"),
            ["segment unknown"] = new ParityRequest("GET", "/api/segments/nobody"),
            ["segment delete unknown"] = new ParityRequest("DELETE", "/api/segments/nobody"),
            ["segment members unknown"] = new ParityRequest("GET", "/api/segments/nobody/members"),
            ["segment members bad page size"] = new ParityRequest("GET", "/api/segments/nobody/members?pageSize=0"),
            ["segment put bad key and definition"] = Segment("PUT", "/api/segments/Bad_Key", """{"name":"x","definition":{"all":[{"trait":"plan","op":"near","value":1},{"event":"A","within":"P0D"}]}}"""),
            ["segment put not JSON"] = Segment("PUT", "/api/segments/broken", """{"name":"""),
            ["segment put wrong media type"] = Segment("PUT", "/api/segments/plain", """{"name":"x","definition":{"consent":"marketing"}}""", "text/plain"),
            ["segment preview invalid"] = Segment("POST", "/api/segments/preview", """{"definition":{"any":[]}}"""),
            ["segment preview nobody"] = Segment("POST", "/api/segments/preview", """{"definition":{"trait":"plan","op":"eq","value":"pro"}}"""),
            ["profile segments unknown"] = new ParityRequest("GET", "/api/profiles/p-nobody/segments"),
        };

        private static ParityRequest Ingest(string path, string json, string contentType = "application/json") =>
            new("POST", path, Encoding.UTF8.GetBytes(json), contentType) { Headers = new() { ["Authorization"] = Basic } };

        private static ParityRequest Segment(string method, string path, string json, string contentType = "application/json") =>
            new(method, path, Encoding.UTF8.GetBytes(json), contentType);

        private static ParityRequest Compressed(string encoding, string json)
        {
            using var buffer = new MemoryStream();
            using (Stream compressor = encoding == "gzip" ? new GZipStream(buffer, CompressionLevel.Fastest) : new ZLibStream(buffer, CompressionLevel.Fastest))
            {
                compressor.Write(Encoding.UTF8.GetBytes(json));
            }

            return new ParityRequest("POST", "/v1/batch", buffer.ToArray()) { Headers = new() { ["Authorization"] = Basic, ["Content-Encoding"] = encoding } };
        }

        /// <summary>10 MB of zeros in about 10 KB: refused once the decompressed bytes pass the limit.</summary>
        private static ParityRequest Bomb()
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize))
            {
                gzip.Write(new byte[10 * 1024 * 1024]);
            }

            return new ParityRequest("POST", "/v1/batch", buffer.ToArray()) { Headers = new() { ["Authorization"] = Basic, ["Content-Encoding"] = "gzip" } };
        }
    }
}
