using System.Text;
using System.Text.Json;
using Cdp.Core.Identity;
using Cdp.Core.Privacy;
using Cdp.Core.Tests.Builders;
using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;

namespace Cdp.Core.Tests.Privacy;

public sealed class PrivacyRequestsTests
{
    public static TheoryData<string, Func<PrivacyRequestBuilder, PrivacyRequestBuilder>, string> InvalidRequests => new()
    {
        { "missing id", b => b.WithId(null), "subject_request_id is required" },
        { "malformed id", b => b.WithId("not-a-uuid"), "subject_request_id must be a UUID" },
        { "missing regulation", b => b.Regulation(null), "regulation is required" },
        { "wrong regulation", b => b.Regulation("lgpd"), "regulation \"lgpd\" is not supported: use gdpr or ccpa" },
        { "missing type", b => b.Type(null), "subject_request_type is required" },
        { "wrong type", b => b.Type("rectification"), "subject_request_type \"rectification\" is not supported" },
        { "missing submitted time", b => b.Submitted(null), "submitted_time is required" },
        { "unknown identity type", b => b.Identity("passport", "X123"), "subject_identities[1].identity_type \"passport\" is not supported: use one of userId, anonymousId, email, phone, deviceId, crmId, loyaltyId" },
        { "malformed email", b => b.Identity("email", "not-an-email"), "subject_identities[1].identity_value is not a valid email" },
        { "blocked placeholder", b => b.Identity("userId", "undefined"), "subject_identities[1].identity_value is not a valid userId" },
        { "missing value", b => b.Identity("email", " "), "subject_identities[1].identity_value is required" },
        { "hashed identity", b => b.Identity("email", "5e884898da28047151d0e56f8dc62927", "md5"), "identity_format \"md5\" is not supported: send raw values" },
        { "mode on access", b => b.Type(PrivacyRequestTypes.Access).Mode(SuppressionModes.SuppressOnly), "suppression_mode applies to erasure requests only" },
        { "unknown mode", b => b.Mode("forget_harder"), "suppression_mode \"forget_harder\" is not supported" },
        { "relative callback", b => b.Callback("/callback"), "status_callback_urls[0] must be an absolute http or https URL" },
        { "ftp callback", b => b.Callback("ftp://dsr.example.com/"), "status_callback_urls[0] must be an absolute http or https URL" },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task SubmitAsync_InvalidRequest_IsRejectedWithAClearMessageAndNothingStarts(
        string because, Func<PrivacyRequestBuilder, PrivacyRequestBuilder> spoil, string message)
    {
        using var privacy = new PrivacyHarness();

        var result = await privacy.SubmitAsync(spoil(PrivacyRequestBuilder.Erasure(("email", "jane@example.com"))));

        Assert.True(result.Outcome == PrivacyOutcome.Invalid, because);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Equal(0, privacy.Store.Count);
        Assert.Empty(privacy.Audit.All);
        Assert.Empty(await privacy.Get<IWorkflowJournal>().GetUnfinishedAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SubmitAsync_NoIdentities_IsInvalid()
    {
        using var privacy = new PrivacyHarness();

        var result = await privacy.SubmitAsync(PrivacyRequestBuilder.Erasure());

        Assert.Equal((PrivacyOutcome.Invalid, "subject_identities must name at least one identity of the subject"), (result.Outcome, result.Error));
    }

    [Fact]
    public async Task SubmitAsync_InvalidValue_MessageDoesNotEchoIt()
    {
        using var privacy = new PrivacyHarness();

        var result = await privacy.SubmitAsync(PrivacyRequestBuilder.Erasure(("phone", "call me maybe 555")));

        Assert.Equal(PrivacyOutcome.Invalid, result.Outcome);
        Assert.DoesNotContain("555", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitAsync_ValidRequest_StoresItPendingWithOpenDsrTimesAndStartsItsWorkflow()
    {
        using var privacy = new PrivacyHarness();
        var builder = PrivacyRequestBuilder.Erasure(("email", " Jane@Example.COM "), ("userId", "u-1")).Regulation("CCPA");

        var result = await privacy.SubmitAsync(builder);

        Assert.Equal(PrivacyOutcome.Created, result.Outcome);
        var request = result.Request!;
        Assert.Equal((builder.Id, PrivacyRegulations.Ccpa, PrivacyRequestStatuses.Pending), (request.Id, request.Regulation, request.Status));
        Assert.Equal(SuppressionModes.SuppressWithDelete, request.SuppressionMode);
        Assert.Equal(TestOptions.Now, request.ReceivedTime);
        Assert.Equal(TestOptions.Now.AddDays(45), request.ExpectedCompletionTime);
        Assert.Equal([new SubjectIdentity("email", "jane@example.com"), new SubjectIdentity("userId", "u-1")], request.SubjectIdentities);
        Assert.Equal(Json(request), Json(await privacy.RequestAsync(request.Id)));
        var instance = await privacy.Get<IWorkflowClient>().GetAsync("privacy-" + request.Id);
        Assert.Equal(ErasureWorkflow.WorkflowName, instance!.Name);
        var submitted = Assert.Single(privacy.Audit.All);
        Assert.Equal(("submitted", PrivacyHarness.Actor), (submitted.Action, submitted.ActorId));
    }

    [Fact]
    public async Task SubmitAsync_OpenDsrJsonBody_IsReadLikeTheTypedSubmission()
    {
        using var privacy = new PrivacyHarness();
        var builder = PrivacyRequestBuilder.Portability(("email", "jane@example.com"), ("crmId", "CRM-77")).Callback("https://dsr.example.com/cb");

        var result = await privacy.Requests.SubmitAsync(builder.ToOpenDsrJson(), PrivacyHarness.Actor, CancellationToken.None);

        Assert.Equal(PrivacyOutcome.Created, result.Outcome);
        Assert.Equal(PrivacyRequestTypes.Portability, result.Request!.Type);
        Assert.Equal(TestOptions.Now.AddDays(-1), result.Request.SubmittedTime);
        Assert.Equal(["https://dsr.example.com/cb"], result.Request.StatusCallbackUrls);
        Assert.Equal(2, result.Request.SubjectIdentities.Count);
    }

    [Theory]
    [InlineData("{not json", "the body is not valid JSON")]
    [InlineData("[]", "the body must be a JSON object")]
    [InlineData("""{"subject_request_id":42}""", "subject_request_id must be a string")]
    [InlineData("""{"submitted_time":"yesterday"}""", "submitted_time must be an ISO 8601 date-time")]
    [InlineData("""{"subject_identities":"jane@example.com"}""", "subject_identities must be a map of identity type")]
    [InlineData("""{"subject_identities":[{"identity_type":"email","identity_value":7}]}""", "subject_identities[0].identity_value must be a string")]
    [InlineData("""{"status_callback_urls":"https://x.example"}""", "status_callback_urls must be an array of strings")]
    public async Task SubmitAsync_MalformedBody_IsInvalidNamingTheField(string body, string message)
    {
        using var privacy = new PrivacyHarness();

        var result = await privacy.Requests.SubmitAsync(Encoding.UTF8.GetBytes(body), PrivacyHarness.Actor, CancellationToken.None);

        Assert.Equal(PrivacyOutcome.Invalid, result.Outcome);
        Assert.StartsWith(message, result.Error, StringComparison.Ordinal);
        Assert.Equal(0, privacy.Store.Count);
    }

    [Fact]
    public void Parse_V3MapOfTypeToValueAndEncoding_IsReadWithEachIdentitysPath()
    {
        var body = """
            {"regulation":"gdpr","subject_request_id":"3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f","subject_request_type":"access",
             "submitted_time":"2025-03-13T10:00:00Z","api_version":"3.0","group_id":"batch-7",
             "subject_identities":{"email":{"value":"jane@example.com","encoding":"raw"},"controller_customer_id":{"value":"u-1","encoding":"raw"}}}
            """;

        var (submission, error) = PrivacyRequestSubmission.Parse(Encoding.UTF8.GetBytes(body));

        Assert.Null(error);
        Assert.Equal([("email", "jane@example.com", "raw", "subject_identities.email"), ("controller_customer_id", "u-1", "raw", "subject_identities.controller_customer_id")],
            submission!.SubjectIdentities!.Select(i => (i.Type, i.Value, i.Format, i.Path)));
        Assert.Equal(("3.0", "batch-7"), (submission.ApiVersion, submission.GroupId));
    }

    [Fact]
    public void Parse_MapOfTypeToBareValue_StillReadAsRaw()
    {
        var body = """
            {"regulation":"gdpr","subject_request_id":"3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f","subject_request_type":"access",
             "submitted_time":"2025-03-13T10:00:00Z","subject_identities":{"email":"jane@example.com","userId":"u-1"}}
            """;

        var (submission, error) = PrivacyRequestSubmission.Parse(Encoding.UTF8.GetBytes(body));

        Assert.Null(error);
        Assert.Equal([("email", "jane@example.com", (string?)null), ("userId", "u-1", null)], submission!.SubjectIdentities!.Select(i => (i.Type, i.Value, i.Format)));
    }

    [Fact]
    public async Task SubmitAsync_SameIdAgain_ReturnsTheExistingRequestAndStartsNothingNew()
    {
        using var privacy = new PrivacyHarness();
        var builder = PrivacyRequestBuilder.Erasure(("email", "jane@example.com"));
        var first = await privacy.SubmitAsync(builder);

        var second = await privacy.SubmitAsync(builder);

        Assert.Equal(PrivacyOutcome.Existing, second.Outcome);
        Assert.Equal(Json(first.Request!), Json(second.Request!));
        Assert.Equal(1, privacy.Store.Count);
        Assert.Single(privacy.Audit.All);
    }

    [Fact]
    public async Task SubmitAsync_SameIdAfterCompletion_ReturnsTheCompletedRequest()
    {
        using var privacy = new PrivacyHarness();
        var builder = PrivacyRequestBuilder.Erasure(("email", "jane@example.com"));
        await privacy.SubmitAndRunAsync(builder);

        var again = await privacy.SubmitAsync(builder);

        Assert.Equal(PrivacyOutcome.Existing, again.Outcome);
        Assert.Equal(PrivacyRequestStatuses.Completed, again.Request!.Status);
    }

    [Fact]
    public async Task SubmitAsync_SameIdDifferentRequest_IsConflict()
    {
        using var privacy = new PrivacyHarness();
        var builder = PrivacyRequestBuilder.Erasure(("email", "jane@example.com"));
        await privacy.SubmitAsync(builder);

        var reused = await privacy.SubmitAsync(PrivacyRequestBuilder.Erasure(("email", "bob@example.com")).WithId(builder.Id));

        Assert.Equal(PrivacyOutcome.Conflict, reused.Outcome);
        Assert.Contains("already used for a different request", reused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitAsync_IdenticalRequestInProgress_IsConflict()
    {
        using var privacy = new PrivacyHarness();
        var first = await privacy.SubmitAsync(PrivacyRequestBuilder.Erasure(("email", "jane@example.com"), ("userId", "u-1")));

        // Same subject, same kind of request, identities in another order and spelling: identical.
        var identical = await privacy.SubmitAsync(PrivacyRequestBuilder.Erasure(("userId", "u-1"), ("email", "JANE@example.com")));

        Assert.Equal(PrivacyOutcome.Conflict, identical.Outcome);
        Assert.Contains(first.Request!.Id, identical.Error, StringComparison.Ordinal);
        Assert.Equal(1, privacy.Store.Count);
    }

    [Fact]
    public async Task SubmitAsync_SameSubjectOtherRequestType_IsNotAConflict()
    {
        using var privacy = new PrivacyHarness();
        await privacy.SubmitAsync(PrivacyRequestBuilder.Erasure(("email", "jane@example.com")));

        var access = await privacy.SubmitAsync(PrivacyRequestBuilder.Access(("email", "jane@example.com")));

        Assert.Equal(PrivacyOutcome.Created, access.Outcome);
    }

    [Fact]
    public async Task SubmitAsync_IdenticalRequestAfterTheFirstCompleted_IsCreated()
    {
        using var privacy = new PrivacyHarness();
        await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Access(("email", "jane@example.com")));

        var again = await privacy.SubmitAsync(PrivacyRequestBuilder.Access(("email", "jane@example.com")));

        Assert.Equal(PrivacyOutcome.Created, again.Outcome);
    }

    [Fact]
    public async Task CancelAsync_Pending_CancelsDropsTheIdentitiesAndTheWorkflowDoesNothing()
    {
        using var privacy = new PrivacyHarness();
        await TwoSubjects.CreateAsync(privacy.Core);
        var id = (await privacy.SubmitAsync(PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)).Callback("https://dsr.example.com/cb"))).Request!.Id;

        var now = privacy.Core.Time.GetUtcNow();
        var cancelled = await privacy.Requests.CancelAsync(id, PrivacyHarness.Actor, CancellationToken.None);
        var instance = await privacy.RunAsync(id);

        Assert.Equal(PrivacyOutcome.Cancelled, cancelled.Outcome);
        var stored = await privacy.RequestAsync(id);
        Assert.Equal((PrivacyRequestStatuses.Cancelled, now), (stored.Status, stored.CancelledTime));
        Assert.Empty(stored.SubjectIdentities);
        Assert.Equal(PrivacyRequestStatuses.Cancelled, instance.ReadOutput<PrivacyWorkflowOutcome>()!.Status);
        Assert.NotNull(await privacy.Core.FindProfileAsync("email", TwoSubjects.JaneEmail));
        Assert.Equal(0, privacy.Suppressions.Count);
        Assert.Equal([PrivacyRequestStatuses.Cancelled], privacy.Notifier.Sent.Select(s => s.Status));
        Assert.Contains(privacy.Audit.All, e => e.Action == "cancelled" && e.ActorId == PrivacyHarness.Actor);
    }

    [Fact]
    public async Task CancelAsync_InProgressOrCompleted_IsNotCancellable()
    {
        using var privacy = new PrivacyHarness();
        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", "jane@example.com")));

        var result = await privacy.Requests.CancelAsync(request.Id, PrivacyHarness.Actor, CancellationToken.None);

        Assert.Equal(PrivacyOutcome.NotCancellable, result.Outcome);
        Assert.Equal("the request is completed; only a pending request can be cancelled", result.Error);
        Assert.Equal(PrivacyRequestStatuses.Completed, (await privacy.RequestAsync(request.Id)).Status);
    }

    [Fact]
    public async Task CancelAsync_Twice_IsCancelledBothTimes()
    {
        using var privacy = new PrivacyHarness();
        var id = (await privacy.SubmitAsync(PrivacyRequestBuilder.Access(("email", "jane@example.com")))).Request!.Id;
        await privacy.Requests.CancelAsync(id, PrivacyHarness.Actor, CancellationToken.None);

        var again = await privacy.Requests.CancelAsync(id, PrivacyHarness.Actor, CancellationToken.None);

        Assert.Equal(PrivacyOutcome.Cancelled, again.Outcome);
    }

    [Theory]
    [InlineData("3f0c2a6e-8a1b-4c1d-9e2f-5a6b7c8d9e0f", PrivacyOutcome.NotFound)]
    [InlineData("nope", PrivacyOutcome.Invalid)]
    public async Task GetAndCancel_UnknownOrMalformedId_AreNotFoundOrInvalid(string id, PrivacyOutcome expected)
    {
        using var privacy = new PrivacyHarness();

        Assert.Equal(expected, (await privacy.Requests.GetAsync(id, CancellationToken.None)).Outcome);
        Assert.Equal(expected, (await privacy.Requests.CancelAsync(id, PrivacyHarness.Actor, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task GetAsync_UpperCaseId_FindsTheRequest()
    {
        using var privacy = new PrivacyHarness();
        var id = (await privacy.SubmitAsync(PrivacyRequestBuilder.Access(("email", "jane@example.com")))).Request!.Id;

        var found = await privacy.Requests.GetAsync(id.ToUpperInvariant(), CancellationToken.None);

        Assert.Equal((PrivacyOutcome.Found, id), (found.Outcome, found.Request!.Id));
    }

    [Fact]
    public async Task ListAsync_Pages_ReturnsEveryRequestOnceNewestFirst()
    {
        using var privacy = new PrivacyHarness();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await privacy.SubmitAsync(PrivacyRequestBuilder.Access(("userId", $"u-{i}")))).Request!.Id);
            privacy.Core.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await privacy.Requests.ListAsync(2, token, CancellationToken.None);
            seen.AddRange(page.Requests.Select(r => r.Id));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Reverse(ids), seen);
    }

    [Fact]
    public void Discovery_ListsBuiltInAndConfiguredIdentityTypesRequestTypesAndRegulations()
    {
        using var privacy = new PrivacyHarness(core => core.Configure<IdentityOptions>(o => o.CustomTypes = ["shopifyId"]));

        var discovery = privacy.Requests.Discovery();
        var json = JsonSerializer.Serialize(discovery, OpenDsrJsonContext.Default.OpenDsrDiscovery);

        Assert.Equal(["userId", "anonymousId", "email", "phone", "deviceId", "shopifyId", "controller_customer_id"],
            discovery.SupportedIdentities.Select(i => i.IdentityType));
        Assert.Equal(["erasure", "access", "portability"], discovery.SupportedSubjectRequestTypes);
        Assert.Equal(["gdpr", "ccpa"], discovery.SupportedRegulations);
        Assert.Contains("\"supported_identities\":[{\"identity_type\":\"userId\",\"identity_format\":\"raw\"}", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_OpenDsrView_HasTheOpenDsrFieldsAndNoIdentities()
    {
        using var privacy = new PrivacyHarness();
        var request = (await privacy.SubmitAsync(PrivacyRequestBuilder.Erasure(("email", "jane@example.com")))).Request!;

        var json = JsonSerializer.Serialize(privacy.Requests.Status(request), OpenDsrJsonContext.Default.OpenDsrStatus);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(request.Id, root.GetProperty("subject_request_id").GetString());
        Assert.Equal("pending", root.GetProperty("request_status").GetString());
        Assert.Equal("3.0", root.GetProperty("api_version").GetString());
        Assert.True(root.TryGetProperty("expected_completion_time", out _));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("results_url").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("group_id").ValueKind);
        Assert.False(root.TryGetProperty("encoded_request", out _));
        Assert.DoesNotContain("jane@example.com", json, StringComparison.Ordinal);
    }

    private static string Json(PrivacyRequest request) => JsonSerializer.Serialize(request, PrivacyJsonContext.Default.PrivacyRequest);
}
