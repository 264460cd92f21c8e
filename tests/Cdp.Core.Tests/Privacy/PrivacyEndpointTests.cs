using System.Text;
using System.Text.Json;
using Cdp.Core.Http;
using Cdp.Core.Privacy;
using Cdp.Core.Tests.Builders;
using Microsoft.AspNetCore.Http;

namespace Cdp.Core.Tests.Privacy;

/// <summary>
/// The privacy routes' answers as both hosts send them: OpenDSR v3 requests in the map form (and the older list form),
/// refusals that name the JSON path at fault, and the v3 shapes of the submit, status, list, cancel, discovery and
/// suppression answers.
/// </summary>
public sealed class PrivacyEndpointTests
{
    private const string Id = "3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f";

    /// <summary>An mParticle v3 request: identities as the map of type to {value, encoding}, api_version 3.0, a group.</summary>
    private const string V3Erasure = """
        {"regulation":"gdpr","subject_request_id":"3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f","subject_request_type":"erasure",
         "submitted_time":"2025-03-13T10:00:00Z","api_version":"3.0","group_id":"batch-7",
         "subject_identities":{"email":{"value":"Jane@Example.com","encoding":"raw"},"controller_customer_id":{"value":"u-1","encoding":"raw"}},
         "status_callback_urls":["https://dsr.example.com/cb"],
         "extensions":{"opendsr.mparticle.com":{"subject_identities":{"other6":{"value":"x","encoding":"raw"}}}}}
        """;

    public static TheoryData<string, string> BadIdentities => new()
    {
        { """{"email":{"value":"jane@example.com","encoding":"sha256"}}""", "subject_identities.email.encoding \"sha256\" is not supported: send raw values" },
        { """{"email":{"value":"jane@example.com","encoding":"base64"}}""", "subject_identities.email.encoding \"base64\" is not an OpenDSR encoding (raw, sha1, md5, sha256)" },
        { """{"fax_number":{"value":"jane@example.com","encoding":"raw"}}""", "subject_identities.fax_number names an identity type that is not supported: use one of userId, " },
        { """{"email":{"encoding":"raw"}}""", "subject_identities.email.value is required" },
        { """{"email":{"value":7,"encoding":"raw"}}""", "subject_identities.email.value must be a string" },
        { """{"email":["jane@example.com"]}""", "subject_identities.email must be an object such as {\"value\": \"...\", \"encoding\": \"raw\"}" },
        { """{"email":{"value":"jane@example.com"},"email":{"value":"jane@example.com"}}""", "subject_identities.email appears twice" },
        { """{"email":{"value":"jane-at-example.com","encoding":"raw"}}""", "subject_identities.email.value is not a valid email" },
        { """[{"identity_type":"email","identity_value":"jane@example.com","identity_format":"md5"}]""", "subject_identities[0].identity_format \"md5\" is not supported" },
        { """[{"identity_type":"passport","identity_value":"jane@example.com","identity_format":"raw"}]""", "subject_identities[0].identity_type \"passport\" is not supported" },
        { "\"jane@example.com\"", "subject_identities must be a map of identity type to {\"value\": \"...\", \"encoding\": \"raw\"} (OpenDSR v3)" },
    };

    [Fact]
    public async Task SubmitAsync_V3MapForm_201WithLocationAndTheV3Receipt()
    {
        using var privacy = new PrivacyHarness();

        var answer = await Endpoint(privacy).SubmitAsync(Post(V3Erasure), PrivacyHarness.Actor, CancellationToken.None);

        Assert.Equal(201, answer.Status);
        Assert.Equal(HttpAnswer.JsonContentType, answer.ContentType);
        Assert.Contains(new KeyValuePair<string, string>("Location", $"/api/privacy/requests/{Id}"), answer.Headers);
        using var json = Json(answer);
        var root = json.RootElement;
        Assert.Equal("3.0", root.GetProperty("api_version").GetString());
        Assert.Equal("cdp", root.GetProperty("controller_id").GetString());
        Assert.Equal(Id, root.GetProperty("subject_request_id").GetString());
        Assert.Equal("batch-7", root.GetProperty("group_id").GetString());
        Assert.Equal("pending", root.GetProperty("request_status").GetString());
        Assert.Equal(TestOptions.Now, root.GetProperty("received_time").GetDateTimeOffset());
        Assert.Equal(TestOptions.Now.AddDays(30), root.GetProperty("expected_completion_time").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("results_url").ValueKind);
        Assert.Equal(V3Erasure, Encoding.UTF8.GetString(Convert.FromBase64String(root.GetProperty("encoded_request").GetString()!)));

        var stored = await privacy.RequestAsync(Id);
        Assert.Equal([new SubjectIdentity("email", "jane@example.com"), new SubjectIdentity("userId", "u-1")], stored.SubjectIdentities);
        Assert.Equal("batch-7", stored.GroupId);
        Assert.Equal(["https://dsr.example.com/cb"], stored.StatusCallbackUrls);
    }

    [Fact]
    public async Task SubmitAsync_ListFormAndMapForm_SameRequestSoTheSecondIsTheFirstBack()
    {
        using var privacy = new PrivacyHarness();
        var list = PrivacyRequestBuilder.Erasure(("email", "jane@example.com"), ("userId", "u-1")).WithId(Id);

        var first = await Endpoint(privacy).SubmitAsync(Post(Encoding.UTF8.GetString(list.ToOpenDsrJson())), PrivacyHarness.Actor, CancellationToken.None);
        var again = await Endpoint(privacy).SubmitAsync(Post(V3Erasure), PrivacyHarness.Actor, CancellationToken.None);

        Assert.Equal((201, 200), (first.Status, again.Status));
        using var firstJson = Json(first);
        using var againJson = Json(again);
        Assert.Equal(firstJson.RootElement.GetProperty("received_time").GetString(), againJson.RootElement.GetProperty("received_time").GetString());
        Assert.DoesNotContain(again.Headers, h => h.Key == "Location");
        Assert.Equal(1, privacy.Store.Count);
    }

    [Theory]
    [MemberData(nameof(BadIdentities))]
    public async Task SubmitAsync_BadIdentity_400NamingTheJsonPathWithoutTheValue(string identities, string message)
    {
        using var privacy = new PrivacyHarness();
        var body = $$"""
            {"regulation":"gdpr","subject_request_id":"{{Id}}","subject_request_type":"erasure","submitted_time":"2025-03-13T10:00:00Z",
             "subject_identities":{{identities}}}
            """;

        var answer = await Endpoint(privacy).SubmitAsync(Post(body), PrivacyHarness.Actor, CancellationToken.None);

        Assert.Equal(400, answer.Status);
        var error = Error(answer);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("jane", error, StringComparison.Ordinal);
        Assert.Equal(0, privacy.Store.Count);
    }

    [Theory]
    [InlineData("\"api_version\":\"3.0\"", "\"api_version\":\"4.0\"", "api_version \"4.0\" is not supported: use 3.0")]
    [InlineData("\"api_version\":\"3.0\"", "\"api_version\":3", "api_version must be a string")]
    [InlineData("\"group_id\":\"batch-7\"", "\"group_id\":\" \"", "group_id must be 1 to 200 characters")]
    public async Task SubmitAsync_BadVersionOrGroup_400(string field, string replacement, string message)
    {
        using var privacy = new PrivacyHarness();

        var answer = await Endpoint(privacy).SubmitAsync(Post(V3Erasure.Replace(field, replacement, StringComparison.Ordinal)),
            PrivacyHarness.Actor, CancellationToken.None);

        Assert.Equal((400, message), (answer.Status, Error(answer)));
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("2.0")]
    [InlineData("3")]
    public async Task SubmitAsync_EarlierOrShortVersion_AcceptedAndAnsweredAsV3(string version)
    {
        using var privacy = new PrivacyHarness();

        var answer = await Endpoint(privacy).SubmitAsync(Post(V3Erasure.Replace("3.0", version, StringComparison.Ordinal)), PrivacyHarness.Actor,
            CancellationToken.None);

        Assert.Equal(201, answer.Status);
        using var json = Json(answer);
        Assert.Equal("3.0", json.RootElement.GetProperty("api_version").GetString());
    }

    [Fact]
    public async Task GetAsync_CompletedAccess_ResultsUrlAndNoCertificate()
    {
        using var privacy = new PrivacyHarness();
        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Access(("email", "jane@example.com")));

        var answer = await Endpoint(privacy).GetAsync(request.Id, CancellationToken.None);

        Assert.Equal(200, answer.Status);
        using var json = Json(answer);
        var root = json.RootElement;
        Assert.Equal("completed", root.GetProperty("request_status").GetString());
        Assert.Equal($"/api/privacy/requests/{request.Id}/results", root.GetProperty("results_url").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("group_id").ValueKind);
        Assert.False(root.TryGetProperty("certificate_url", out _));
        Assert.False(root.TryGetProperty("encoded_request", out _));
        Assert.DoesNotContain("jane", Encoding.UTF8.GetString(answer.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_CompletedErasure_ResultsUrlNullCertificateServed()
    {
        using var privacy = new PrivacyHarness();
        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", "jane@example.com")));

        var answer = await Endpoint(privacy).GetAsync(request.Id, CancellationToken.None);
        var certificate = await Endpoint(privacy).CertificateAsync(request.Id, CancellationToken.None);

        using var json = Json(answer);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("results_url").ValueKind);
        Assert.Equal($"/api/privacy/requests/{request.Id}/certificate", json.RootElement.GetProperty("certificate_url").GetString());
        Assert.Equal((200, "application/json"), (certificate.Status, certificate.ContentType));
    }

    [Fact]
    public async Task GetAsync_UnknownOrMalformedId_404Or400()
    {
        using var privacy = new PrivacyHarness();

        Assert.Equal(404, (await Endpoint(privacy).GetAsync(Id, CancellationToken.None)).Status);
        Assert.Equal(400, (await Endpoint(privacy).GetAsync("12345", CancellationToken.None)).Status);
        Assert.Equal(404, (await Endpoint(privacy).CertificateAsync(Id, CancellationToken.None)).Status);
        Assert.Equal(400, (await Endpoint(privacy).ResultsAsync(Id, Get("?format=xml"), CancellationToken.None)).Status);
    }

    [Fact]
    public async Task ListAsync_Pages_V3StatusesWithoutReceiptsOrIdentities_GroupFilterRefused()
    {
        using var privacy = new PrivacyHarness();
        await Endpoint(privacy).SubmitAsync(Post(V3Erasure), PrivacyHarness.Actor, CancellationToken.None);

        var page = await Endpoint(privacy).ListAsync(Get("?page_size=10"), CancellationToken.None);
        var byGroup = await Endpoint(privacy).ListAsync(Get("?group_id=batch-7"), CancellationToken.None);
        var badSize = await Endpoint(privacy).ListAsync(Get("?page_size=0"), CancellationToken.None);

        Assert.Equal(200, page.Status);
        using var json = Json(page);
        var listed = Assert.Single(json.RootElement.GetProperty("requests").EnumerateArray());
        Assert.Equal((Id, "batch-7"), (listed.GetProperty("subject_request_id").GetString(), listed.GetProperty("group_id").GetString()));
        Assert.False(listed.TryGetProperty("encoded_request", out _));
        Assert.False(json.RootElement.TryGetProperty("continuation", out _));
        Assert.DoesNotContain("example.com", Encoding.UTF8.GetString(page.Body.Span), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(400, byGroup.Status);
        Assert.Contains("group_id", Error(byGroup), StringComparison.Ordinal);
        Assert.Equal(400, badSize.Status);
    }

    [Fact]
    public async Task CancelAsync_Pending_202WithTheV3CancellationAndTheCallbackToldTheType()
    {
        using var privacy = new PrivacyHarness();
        await Endpoint(privacy).SubmitAsync(Post(V3Erasure), PrivacyHarness.Actor, CancellationToken.None);
        privacy.Core.Time.Advance(TimeSpan.FromMinutes(5));

        var cancelled = await Endpoint(privacy).CancelAsync(Id, PrivacyHarness.Actor, CancellationToken.None);
        var again = await Endpoint(privacy).CancelAsync(Id, PrivacyHarness.Actor, CancellationToken.None);

        Assert.Equal((202, 202), (cancelled.Status, again.Status));
        Assert.Equal(cancelled.Body.ToArray(), again.Body.ToArray());
        using var json = Json(cancelled);
        var root = json.RootElement;
        Assert.Equal(("3.0", "cdp", Id, "cancelled"), (root.GetProperty("api_version").GetString(), root.GetProperty("controller_id").GetString(),
            root.GetProperty("subject_request_id").GetString(), root.GetProperty("request_status").GetString()));
        Assert.Equal(TestOptions.Now.AddMinutes(5), root.GetProperty("received_time").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("expected_completion_time").ValueKind);
        var change = Assert.Single(privacy.Notifier.Sent);
        Assert.Equal((PrivacyRequestStatuses.Cancelled, PrivacyRequestTypes.Erasure, "batch-7", TestOptions.Now.AddDays(30)),
            (change.Status, change.Type, change.GroupId, change.ExpectedCompletionTime));
    }

    [Fact]
    public async Task CancelAsync_Completed_409()
    {
        using var privacy = new PrivacyHarness();
        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Access(("email", "jane@example.com")));

        var answer = await Endpoint(privacy).CancelAsync(request.Id, PrivacyHarness.Actor, CancellationToken.None);

        Assert.Equal((409, "the request is completed; only a pending request can be cancelled"), (answer.Status, Error(answer)));
    }

    [Fact]
    public void Discovery_V3WithTheOpenDsrCustomerIdAndNoCertificate()
    {
        using var privacy = new PrivacyHarness();

        using var json = Json(Endpoint(privacy).Discovery());

        var root = json.RootElement;
        Assert.Equal("3.0", root.GetProperty("api_version").GetString());
        var identities = root.GetProperty("supported_identities").EnumerateArray().ToList();
        Assert.Contains(identities, i => i.GetProperty("identity_type").GetString() == "controller_customer_id");
        Assert.All(identities, i => Assert.Equal("raw", i.GetProperty("identity_format").GetString()));
        Assert.Equal(["erasure", "access", "portability"], root.GetProperty("supported_subject_request_types").EnumerateArray().Select(t => t.GetString()));
        Assert.False(root.TryGetProperty("processor_certificate", out _));
    }

    [Fact]
    public async Task SuppressionAsync_AfterAnErasure_CountsItsEntriesAndSaysEventsAreNotCountedHere()
    {
        using var privacy = new PrivacyHarness();
        await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", "jane@example.com"), ("userId", "u-1")));

        var answer = await Endpoint(privacy).SuppressionAsync(CancellationToken.None);

        using var json = Json(answer);
        Assert.Equal(privacy.Suppressions.Count, json.RootElement.GetProperty("suppressed_identities").GetInt64());
        Assert.True(privacy.Suppressions.Count >= 2);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("suppressed_events").ValueKind);
    }

    private static PrivacyEndpoint Endpoint(PrivacyHarness privacy) => privacy.Get<PrivacyEndpoint>();

    private static HttpRequest Post(string json)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return context.Request;
    }

    private static HttpRequest Get(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }

    private static JsonDocument Json(HttpAnswer answer) => JsonDocument.Parse(answer.Body);

    private static string Error(HttpAnswer answer)
    {
        using var json = Json(answer);
        return json.RootElement.GetProperty("error").GetString()!;
    }
}
