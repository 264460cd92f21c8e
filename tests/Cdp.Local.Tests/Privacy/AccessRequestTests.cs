using System.Net;
using System.Text.Json.Nodes;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Privacy;

/// <summary>A subject asks what is held on them (access) or for a copy to take elsewhere (portability).</summary>
public sealed class AccessRequestTests
{
    private static readonly Dictionary<string, string> Subject = new() { ["email"] = "erase.subject.5d1c70@example.com" };

    [Fact]
    public async Task Access_CompletedRequest_ResultsUrlServesProfileIdentitiesConsentAndTimeline()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings);
        var events = factory.CreateCdpClient();
        var privacy = new PrivacyClient(factory.CreateClient());
        await ErasureEndToEndTests.IngestAsync(events, ErasureEndToEndTests.SubjectCalls("access"));

        var id = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created, (await privacy.SubmitAsync(OpenDsrBodies.Body(id, "access", Subject, regulation: "ccpa"))).Status);
        var status = await privacy.WaitForStatusAsync(id, "completed");
        Assert.Null(status["certificate_url"]);

        var results = await privacy.GetAsync(status["results_url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, results.Status);
        Assert.Equal("application/json", results.MediaType);
        var package = results.Json!;
        Assert.Equal(id, package["requestId"]!.GetValue<string>());
        var identities = package["identities"]!.AsArray().Select(i => $"{i!["type"]}:{i["value"]}").ToList();
        Assert.Contains("userId:erase-user-5d1c70", identities);
        Assert.Contains("anonymousId:erase-anon-93fa7b22", identities);
        Assert.Contains("phone:+14155550187", identities);
        var profile = Assert.Single(package["profiles"]!.AsArray())!;
        Assert.Equal("gold", profile["traits"]!["plan"]!["value"]!.ToString());
        var consent = Assert.Single(package["consent"]!.AsArray())!;
        Assert.NotEmpty(consent["history"]!.AsArray());
        Assert.Equal(4, package["timeline"]!.AsArray().Count);

        // The certificate belongs to erasures only.
        Assert.Equal(HttpStatusCode.NotFound, (await privacy.GetAsync($"/api/privacy/requests/{id}/certificate")).Status);
    }

    [Fact]
    public async Task Portability_CompletedRequest_ServesPackageAndEventsAsNdjson()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings);
        var events = factory.CreateCdpClient();
        var privacy = new PrivacyClient(factory.CreateClient());
        await ErasureEndToEndTests.IngestAsync(events, ErasureEndToEndTests.SubjectCalls("portable"));

        var id = Guid.NewGuid().ToString();
        await privacy.SubmitAsync(OpenDsrBodies.Body(id, "portability", Subject));
        var resultsUrl = (await privacy.WaitForStatusAsync(id, "completed"))["results_url"]!.GetValue<string>();

        var ndjson = await privacy.GetAsync(resultsUrl + "?format=ndjson");
        Assert.Equal(HttpStatusCode.OK, ndjson.Status);
        Assert.Equal("application/x-ndjson", ndjson.MediaType);
        var lines = ndjson.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(["portable-identify", "portable-page", "portable-track-1", "portable-track-2"], lines.Select(l => l["id"]!.GetValue<string>()).Order());
        Assert.Equal(HttpStatusCode.OK, (await privacy.GetAsync(resultsUrl)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await privacy.GetAsync(resultsUrl + "?format=xml")).Status);
    }

    [Fact]
    public async Task Results_RequestStillRunning_404SayingSo()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings) { TestServices = PrivacyApiTests.WithoutWorkflowWorker };
        var privacy = new PrivacyClient(factory.CreateClient());
        var id = Guid.NewGuid().ToString();
        await privacy.SubmitAsync(OpenDsrBodies.Body(id, "access", Subject));

        var results = await privacy.GetAsync($"/api/privacy/requests/{id}/results");

        Assert.Equal(HttpStatusCode.NotFound, results.Status);
        Assert.Contains("pending", results.Error, StringComparison.Ordinal);
    }
}
