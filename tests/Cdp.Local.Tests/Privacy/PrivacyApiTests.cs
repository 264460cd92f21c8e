using System.Net;
using System.Text;
using Cdp.Core.Privacy;
using Cdp.Local.Tests.Infrastructure;
using Cdp.Local.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cdp.Local.Tests.Privacy;

/// <summary>The privacy routes as compliance tooling and everyone else meets them: who may call, what bad input gets, and paging.</summary>
public sealed class PrivacyApiTests
{
    private static readonly Dictionary<string, string> Subject = new() { ["email"] = "api.subject@example.com", ["userId"] = "api-user-1" };

    private static readonly string[] Routes =
    [
        "POST /api/privacy/requests", "GET /api/privacy/requests", "GET /api/privacy/requests/{id}", "DELETE /api/privacy/requests/{id}",
        "GET /api/privacy/requests/{id}/results", "GET /api/privacy/requests/{id}/certificate", "GET /api/privacy/discovery",
        "GET /api/privacy/suppression",
    ];

    /// <summary>Keeps submitted requests pending: the host runs no workflows.</summary>
    internal static void WithoutWorkflowWorker(IServiceCollection services)
    {
        var worker = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(LocalWorkflowWorker));
        services.Remove(worker);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized, PrivacyAccess.Anonymous)]
    [InlineData("Bearer not-a-key-anyone-has-1234", HttpStatusCode.Unauthorized, PrivacyAccess.UnknownCaller)]
    [InlineData("Basic " + "ZnVuY3Rpb25hbC10ZXN0LWtleTo=", HttpStatusCode.Unauthorized, PrivacyAccess.Anonymous)]
    [InlineData("Bearer " + PrivacyKeys.Marketing, HttpStatusCode.Forbidden, PrivacyKeys.MarketingName)]
    public async Task EveryRoute_WithoutComplianceKey_RefusedNothingStartedAndEachDecisionAudited(string? authorization, HttpStatusCode expected, string actor)
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings);
        var http = factory.CreateClient();
        var id = Guid.NewGuid().ToString();

        foreach (var route in Routes)
        {
            var (method, path) = (route.Split(' ')[0], route.Split(' ')[1].Replace("{id}", id, StringComparison.Ordinal));
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST")
            {
                request.Content = new StringContent(OpenDsrBodies.Body(id, "erasure", Subject), Encoding.UTF8, "application/json");
            }

            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == expected, $"{route}: {(int)response.StatusCode}");
            if (expected == HttpStatusCode.Unauthorized)
            {
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            }
        }

        var compliance = new PrivacyClient(http);
        Assert.Equal(HttpStatusCode.NotFound, (await compliance.StatusAsync(id)).Status);
        var audit = factory.Services.GetRequiredService<IPrivacyAuditLog>();
        var decisions = (await audit.ListAsync(PrivacyAccess.NoRequest, CancellationToken.None))
            .Concat(await audit.ListAsync(id, CancellationToken.None))
            .Where(e => e.ActorId == actor)
            .ToList();
        Assert.Equal(Routes.Select(r => "access " + r).Order(), decisions.Select(e => e.Action).Order());
        Assert.All(decisions, e => Assert.Equal(PrivacyAuditOutcomes.Rejected, e.Outcome));
        Assert.DoesNotContain(decisions, e => (e.Detail + e.ActorId).Contains("key-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ComplianceKey_Allowed_AuditedUnderItsName()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings);
        var privacy = new PrivacyClient(factory.CreateClient());

        var discovery = await privacy.GetAsync("/api/privacy/discovery");

        Assert.Equal(HttpStatusCode.OK, discovery.Status);
        Assert.Equal(["erasure", "access", "portability"], discovery.Json!["supported_subject_request_types"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Contains("phone", discovery.Json["supported_identities"]!.AsArray().Select(i => i!["identity_type"]!.GetValue<string>()));
        var entry = Assert.Single(await factory.Services.GetRequiredService<IPrivacyAuditLog>().ListAsync(PrivacyAccess.NoRequest, CancellationToken.None));
        Assert.Equal(("local-compliance-key", PrivacyAuditOutcomes.Succeeded, "access GET /api/privacy/discovery"), (entry.ActorId, entry.Outcome, entry.Action));
    }

    [Theory]
    [InlineData("{\"regulation\":\"gdpr\"", "not valid JSON")]
    [InlineData("[]", "JSON object")]
    [InlineData("""{"regulation":"gdpr","subject_request_id":"not-a-uuid","subject_request_type":"erasure","submitted_time":"2026-11-20T10:00:00Z","subject_identities":{"email":"a@example.com"}}""", "UUID")]
    [InlineData("""{"subject_request_id":"3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f","subject_request_type":"erasure","submitted_time":"2026-11-20T10:00:00Z","subject_identities":{"email":"a@example.com"}}""", "regulation is required")]
    [InlineData("""{"regulation":"gdpr","subject_request_id":"3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f","subject_request_type":"erasure","submitted_time":"2026-11-20T10:00:00Z"}""", "subject_identities")]
    [InlineData("""{"regulation":"gdpr","subject_request_id":"3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f","subject_request_type":"erasure","submitted_time":"2026-11-20T10:00:00Z","subject_identities":{"shoeSize":"42"}}""", "not supported")]
    [InlineData("""{"regulation":"gdpr","subject_request_id":"3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f","subject_request_type":"rectify","submitted_time":"2026-11-20T10:00:00Z","subject_identities":{"email":"a@example.com"}}""", "subject_request_type")]
    [InlineData("""{"regulation":"gdpr","subject_request_id":"3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f","subject_request_type":"erasure","subject_identities":{"email":"a@example.com"}}""", "submitted_time")]
    [InlineData("""{"regulation":"gdpr","subject_request_id":"3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f","subject_request_type":"erasure","submitted_time":"2026-11-20T10:00:00Z","subject_identities":{"email":"not-an-email"}}""", "not a valid email")]
    [InlineData("""{"regulation":"gdpr","subject_request_id":"3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f","subject_request_type":"erasure","submitted_time":"2026-11-20T10:00:00Z","subject_identities":[{"identity_type":"email","identity_value":"a@example.com","identity_format":"sha256"}]}""", "raw")]
    [InlineData("""{"regulation":"gdpr","subject_request_id":"3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f","subject_request_type":"erasure","submitted_time":"2026-11-20T10:00:00Z","subject_identities":{"email":"a@example.com"},"status_callback_urls":["ftp://x"]}""", "status_callback_urls")]
    [InlineData("""{"regulation":"gdpr","subject_request_id":"3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f","subject_request_type":"erasure","submitted_time":"2026-11-20T10:00:00Z","subject_identities":{"email":{"value":"a@example.com","encoding":"sha256"}}}""", "subject_identities.email.encoding \"sha256\" is not supported")]
    [InlineData("""{"regulation":"gdpr","subject_request_id":"3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f","subject_request_type":"erasure","submitted_time":"2026-11-20T10:00:00Z","subject_identities":{"shoe_size":{"value":"a@example.com","encoding":"raw"}}}""", "subject_identities.shoe_size names an identity type that is not supported")]
    public async Task Submit_BadInput_400NamingTheProblemAndNothingStarted(string body, string problem)
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings);
        var privacy = new PrivacyClient(factory.CreateClient());

        var response = await privacy.SendAsync(HttpMethod.Post, "/api/privacy/requests", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(problem, response.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("a@example.com", response.Body, StringComparison.Ordinal);
        await AssertNothingStartedAsync(privacy, factory);
    }

    [Fact]
    public async Task Submit_V3MapAndOlderListForm_BothCreatedAnsweredAsV3()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings) { TestServices = WithoutWorkflowWorker };
        var privacy = new PrivacyClient(factory.CreateClient());

        var map = await privacy.SubmitAsync(OpenDsrBodies.Body(Guid.NewGuid().ToString(), "access", Subject));
        var list = await privacy.SubmitAsync(OpenDsrBodies.Body(Guid.NewGuid().ToString(), "erasure", Subject, listForm: true));

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (map.Status, list.Status));
        Assert.All([map, list], r =>
        {
            Assert.Equal("3.0", r.Json!["api_version"]!.GetValue<string>());
            Assert.Equal("cdp", r.Json["controller_id"]!.GetValue<string>());
            Assert.NotNull(r.Json["encoded_request"]);
        });
    }

    [Fact]
    public async Task Submit_HugeOrWrongTypeBody_413Or415AndNothingStarted()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings);
        var privacy = new PrivacyClient(factory.CreateClient());
        var identities = Enumerable.Range(0, 3000).ToDictionary(i => $"custom{i}", i => new string('x', 60));

        var huge = await privacy.SubmitAsync(OpenDsrBodies.Body(Guid.NewGuid().ToString(), "erasure", identities));
        var xml = await privacy.SendAsync(HttpMethod.Post, "/api/privacy/requests", "<request/>", "application/xml");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.Status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, xml.Status);
        await AssertNothingStartedAsync(privacy, factory);
    }

    [Fact]
    public async Task Requests_UnknownOrMalformedId_404Or400()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings);
        var privacy = new PrivacyClient(factory.CreateClient());
        var unknown = Guid.NewGuid().ToString();

        Assert.Equal(HttpStatusCode.NotFound, (await privacy.StatusAsync(unknown)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await privacy.CancelAsync(unknown)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await privacy.GetAsync($"/api/privacy/requests/{unknown}/results")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await privacy.GetAsync($"/api/privacy/requests/{unknown}/certificate")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await privacy.StatusAsync("12345")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await privacy.CancelAsync("not-a-uuid")).Status);
    }

    [Fact]
    public async Task Submit_RepeatedOrIdentical_SameRequestBackOr409()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings) { TestServices = WithoutWorkflowWorker };
        var privacy = new PrivacyClient(factory.CreateClient());
        var id = Guid.NewGuid().ToString();
        var body = OpenDsrBodies.Body(id, "erasure", Subject);

        var first = await privacy.SubmitAsync(body);
        var again = await privacy.SubmitAsync(body);
        var sameIdOtherContent = await privacy.SubmitAsync(OpenDsrBodies.Body(id, "access", Subject));
        var identicalOtherId = await privacy.SubmitAsync(OpenDsrBodies.Body(Guid.NewGuid().ToString(), "erasure", Subject));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(first.Json!["received_time"]!.ToString(), again.Json!["received_time"]!.ToString());
        Assert.Equal(HttpStatusCode.Conflict, sameIdOtherContent.Status);
        Assert.Equal(HttpStatusCode.Conflict, identicalOtherId.Status);
        Assert.Contains(id, identicalOtherId.Error, StringComparison.Ordinal);
        Assert.Single((await privacy.GetAsync("/api/privacy/requests")).Json!["requests"]!.AsArray());
    }

    [Fact]
    public async Task Cancel_PendingRequest_CancelledAndIdentitiesDropped()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings) { TestServices = WithoutWorkflowWorker };
        var privacy = new PrivacyClient(factory.CreateClient());
        var id = Guid.NewGuid().ToString();
        await privacy.SubmitAsync(OpenDsrBodies.Body(id, "erasure", Subject));

        var cancelled = await privacy.CancelAsync(id);
        var again = await privacy.CancelAsync(id);

        Assert.Equal(HttpStatusCode.Accepted, cancelled.Status);
        Assert.Equal("cancelled", cancelled.Json!["request_status"]!.GetValue<string>());
        Assert.True(cancelled.Json.ContainsKey("expected_completion_time") && cancelled.Json["expected_completion_time"] is null);
        Assert.Equal(HttpStatusCode.Accepted, again.Status);
        Assert.Equal(HttpStatusCode.OK, (await privacy.StatusAsync(id)).Status);
        var stored = await factory.Services.GetRequiredService<IPrivacyRequestStore>().GetAsync(id, CancellationToken.None);
        Assert.Empty(stored!.Value.Value.SubjectIdentities);
    }

    [Fact]
    public async Task Cancel_CompletedRequest_409()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings);
        var privacy = new PrivacyClient(factory.CreateClient());
        var id = Guid.NewGuid().ToString();
        await privacy.SubmitAsync(OpenDsrBodies.Body(id, "access", Subject));
        await privacy.WaitForStatusAsync(id, "completed");

        var response = await privacy.CancelAsync(id);

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Contains("only a pending request", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ThreeRequestsPagesOfTwo_NewestFirstAcrossPages()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings) { TestServices = WithoutWorkflowWorker };
        var privacy = new PrivacyClient(factory.CreateClient());
        var ids = new List<string>();
        foreach (var email in new[] { "one@example.com", "two@example.com", "three@example.com" })
        {
            ids.Add(Guid.NewGuid().ToString());
            await privacy.SubmitAsync(OpenDsrBodies.Body(ids[^1], "access", new Dictionary<string, string> { ["email"] = email }));
        }

        var first = (await privacy.GetAsync("/api/privacy/requests?page_size=2")).Json!;
        var second = (await privacy.GetAsync($"/api/privacy/requests?page_size=2&continuation={first["continuation"]}")).Json!;

        var listed = first["requests"]!.AsArray().Concat(second["requests"]!.AsArray()).Select(r => r!["subject_request_id"]!.GetValue<string>());
        Assert.Equal(ids.AsEnumerable().Reverse(), listed);
        Assert.Null(second["continuation"]);
        Assert.DoesNotContain("example.com", first.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await privacy.GetAsync("/api/privacy/requests?page_size=0")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await privacy.GetAsync("/api/privacy/requests?continuation=garbage")).Status);
    }

    private static async Task AssertNothingStartedAsync(PrivacyClient privacy, LocalHostFactory factory)
    {
        Assert.Empty((await privacy.GetAsync("/api/privacy/requests")).Json!["requests"]!.AsArray());
        Assert.Empty(await factory.Services.GetRequiredService<SqliteWorkflowJournal>().GetUnfinishedAsync(CancellationToken.None));
        Assert.Empty(await factory.Services.GetRequiredService<SqliteWorkflowJournal>()
            .GetFinishedAsync(Cdp.Local.Privacy.PrivacyTraceScrubber.PrivacyWorkflows, CancellationToken.None));
    }
}
