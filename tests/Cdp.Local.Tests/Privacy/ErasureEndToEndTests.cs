using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Local.Privacy;
using Cdp.Local.Tests.Identity;
using Cdp.Local.Tests.Infrastructure;
using Cdp.Local.Workflows;
using Cdp.Tests.Privacy;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Local.Tests.Privacy;

/// <summary>
/// A subject asks to be forgotten with an OpenDSR v3 request (identities as the v3 map), on the real host and a real
/// data directory: the request runs to completion, the requester's callback endpoint hears each status as a v3 callback
/// whose signature it checks with the data directory's secret, the certificate is there, and afterwards not one file the
/// host wrote holds the subject's identifiers or their identity hashes, while another customer's data is untouched.
/// </summary>
public sealed class ErasureEndToEndTests
{
    private const string UserId = "erase-user-5d1c70";
    private const string AnonymousId = "erase-anon-93fa7b22";
    private const string Email = "erase.subject.5d1c70@example.com";
    private const string Phone = "+14155550187";

    private const string OtherUserId = "keep-user-2b7e91";
    private const string OtherEmail = "keep.subject.2b7e91@example.com";

    private static readonly Dictionary<string, string> Subject = new()
    {
        ["userId"] = UserId,
        ["anonymousId"] = AnonymousId,
        ["email"] = Email,
        ["phone"] = Phone,
    };

    [Fact]
    public async Task Erasure_CompliantRequest_CompletesWithSignedCallbacksAndCertificateAndNoTraceInAnyFile()
    {
        using var data = new TempDataDirectory();
        await using var receiver = await CallbackReceiver.StartAsync();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings);
        var events = factory.CreateCdpClient();
        var privacy = new PrivacyClient(factory.CreateClient());

        // Two customers; the subject also asked for their data once, so an access package mentions them.
        await IngestAsync(events, SubjectCalls("before"));
        await IngestAsync(events, Calls.Identify(OtherUserId, "keep-identify", email: OtherEmail),
            Calls.Track(OtherUserId, "keep-anon-1", "keep-track-1"), Calls.Track(OtherUserId, "keep-anon-1", "keep-track-2"));
        var access = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created, (await privacy.SubmitAsync(OpenDsrBodies.Body(access, "access", Subject))).Status);
        await privacy.WaitForStatusAsync(access, "completed");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(data.Path, "access-packages")));

        var needles = Needles(factory.Services.GetRequiredService<IdentityHasher>());
        Assert.NotEmpty(DataDirectoryScan.Find(data.Path, needles));
        var timeline = factory.Services.GetRequiredService<ITimelineStore>();
        var subjectProfileId = (await events.WaitForProfileAsync("email", Email)).Id();
        Assert.NotEmpty(await timeline.ListRawBlobsAsync(subjectProfileId, CancellationToken.None));

        // The requester's endpoint checks every callback against the secret the host generated in its data directory.
        receiver.Secret = (await File.ReadAllTextAsync(Path.Combine(data.Path, CallbackSecretFile.FileName))).Trim();

        // The erasure, in the v3 map form: 201 with the v3 receipt, pending until the workflow picks it up.
        var id = Guid.NewGuid().ToString();
        var body = OpenDsrBodies.Body(id, "erasure", Subject, callbacks: [receiver.Url]);
        Assert.Contains("\"subject_identities\":{\"userId\":{\"value\"", body, StringComparison.Ordinal);
        var created = await privacy.SubmitAsync(body);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(("3.0", "pending"), (created.Json!["api_version"]!.GetValue<string>(), created.Json["request_status"]!.GetValue<string>()));
        Assert.True(created.Json["expected_completion_time"]!.GetValue<DateTimeOffset>() > created.Json["received_time"]!.GetValue<DateTimeOffset>());
        Assert.Equal(body, Encoding.UTF8.GetString(Convert.FromBase64String(created.Json["encoded_request"]!.GetValue<string>())));
        Assert.DoesNotContain(Email, created.Body, StringComparison.Ordinal);

        var completed = await privacy.WaitForStatusAsync(id, "completed");
        var certificateUrl = completed["certificate_url"]!.GetValue<string>();
        Assert.True(completed.ContainsKey("results_url") && completed["results_url"] is null, "results_url is v3's, null for an erasure");
        Assert.DoesNotContain("encoded_request", completed.ToJsonString(), StringComparison.Ordinal);

        // The endpoint accepted in_progress then completed, each a v3 callback whose signature matched its exact bytes.
        var callbacks = await Poll.UntilAsync(() => Task.FromResult(receiver.Received.ToList()), c => c.Exists(r => r.Status == "completed"),
            "the completed callback");
        Assert.Empty(receiver.Refusals);
        Assert.Equal(["in_progress", "completed"], callbacks.Select(c => c.Status));
        Assert.All(callbacks, c =>
        {
            Assert.Equal("localhost", c.ProcessorDomain);
            Assert.Equal("3.0", c.Json["api_version"]!.GetValue<string>());
            Assert.Equal("cdp", c.Json["controller_id"]!.GetValue<string>());
            Assert.Equal(id, c.Json["subject_request_id"]!.GetValue<string>());
            Assert.Equal(completed["expected_completion_time"]!.GetValue<DateTimeOffset>(), c.Json["expected_completion_time"]!.GetValue<DateTimeOffset>());
            Assert.True(c.Json.ContainsKey("results_url") && c.Json["results_url"] is null, "results_url is v3's, null for an erasure");
            Assert.DoesNotContain(Email, Encoding.UTF8.GetString(c.Body), StringComparison.Ordinal);
        });
        Assert.Equal(certificateUrl, callbacks[^1].Json["certificate_url"]!.GetValue<string>());

        // The certificate: proof without personal data.
        var certificate = await privacy.GetAsync(certificateUrl);
        Assert.Equal(HttpStatusCode.OK, certificate.Status);
        Assert.Equal(id, certificate.Json!["requestId"]!.GetValue<string>());
        Assert.True(certificate.Json["verification"]!["clean"]!.GetValue<bool>());
        Assert.True(certificate.Json["counts"]!["profiles"]!.GetValue<int>() >= 1);

        // Not one byte of the subject anywhere the host writes, once it has purged the workflow and truncated the logs.
        var left = await Poll.UntilAsync(() => Task.FromResult(string.Join("; ", DataDirectoryScan.Find(data.Path, needles))), found => found.Length == 0,
            "the data directory to hold no trace of the subject");
        Assert.Equal(string.Empty, left);
        var files = DataDirectoryScan.Files(data.Path);
        Assert.Contains(files, f => f.StartsWith("raw-events", StringComparison.Ordinal));
        Assert.Contains(files, f => f.StartsWith("certificates", StringComparison.Ordinal));
        Assert.Contains("cdp.db", files);
        Assert.Contains("workflows.db", files);
        var journal = factory.Services.GetRequiredService<SqliteWorkflowJournal>();
        Assert.Empty(await journal.GetFinishedAsync(PrivacyTraceScrubber.PrivacyWorkflows, CancellationToken.None));

        // No raw archive reference names the erased profile; the other customer's are kept.
        Assert.Empty(await timeline.ListRawBlobsAsync(subjectProfileId, CancellationToken.None));

        // The other customer is still there, whole.
        var other = await events.WaitForProfileAsync("email", OtherEmail);
        Assert.Equal(3, other.EventCount());
        Assert.NotEmpty(await timeline.ListRawBlobsAsync(other.Id(), CancellationToken.None));
        Assert.Equal(other.Id(), (await events.FindProfileAsync("userId", OtherUserId))?.Id());
        foreach (var (type, value) in Subject)
        {
            Assert.Null(await events.FindProfileAsync(type, value));
        }
    }

    [Fact]
    public async Task Erasure_SubjectSendsEventsAfterwards_DroppedAndCountedUntilUnsuppressed()
    {
        using var data = new TempDataDirectory();
        using var factory = new LocalHostFactory(data.Path, PrivacyKeys.Settings);
        var events = factory.CreateCdpClient();
        var privacy = new PrivacyClient(factory.CreateClient());
        await IngestAsync(events, SubjectCalls("first"));
        var erasure = Guid.NewGuid().ToString();
        await privacy.SubmitAsync(OpenDsrBodies.Body(erasure, "erasure", Subject));
        await privacy.WaitForStatusAsync(erasure, "completed");

        // Two more events from the subject's devices, one from someone else.
        await IngestAsync(events, Calls.Track(UserId, "new-device", "after-1"), Calls.Page(AnonymousId, "after-2"),
            Calls.Identify("bystander-4417", "after-3", email: "bystander.4417@example.com"));

        Assert.Null(await events.FindProfileAsync("userId", UserId));
        Assert.Null(await events.FindProfileAsync("anonymousId", AnonymousId));
        Assert.NotNull(await events.FindProfileAsync("userId", "bystander-4417"));
        var summary = await privacy.GetAsync("/api/privacy/suppression");
        Assert.Equal(4, summary.Json!["suppressed_identities"]!.GetValue<long>());
        Assert.Equal(2, summary.Json["suppressed_events"]!.GetValue<long>());

        // Unsuppress: the subject's events are accepted again.
        var unsuppress = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created, (await privacy.SubmitAsync(OpenDsrBodies.Body(unsuppress, "erasure", Subject, mode: "unsuppress"))).Status);
        await privacy.WaitForStatusAsync(unsuppress, "completed");
        await IngestAsync(events, Calls.Track(UserId, "new-device", "after-unsuppress"));

        var back = await events.WaitForProfileAsync("userId", UserId);
        Assert.Equal(1, back.EventCount());
        summary = await privacy.GetAsync("/api/privacy/suppression");
        Assert.Equal(0, summary.Json!["suppressed_identities"]!.GetValue<long>());
        Assert.Equal(2, summary.Json["suppressed_events"]!.GetValue<long>());
    }

    /// <summary>The subject's identify (all four identifiers), two tracks and a page.</summary>
    internal static JsonObject[] SubjectCalls(string prefix)
    {
        var identify = Calls.Identify(UserId, $"{prefix}-identify", email: Email, anonymousId: AnonymousId);
        identify["traits"]!["phone"] = Phone;
        identify["traits"]!["plan"] = "gold";
        identify["context"] = new JsonObject { ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["marketing"] = true } } };
        return [identify, Calls.Track(UserId, AnonymousId, $"{prefix}-track-1", "Order Completed"),
            Calls.Track(UserId, AnonymousId, $"{prefix}-track-2", "Order Completed"), Calls.Page(AnonymousId, $"{prefix}-page")];
    }

    internal static async Task IngestAsync(CdpClient events, params JsonObject[] calls)
    {
        var response = await events.PostAsync("/v1/batch", Calls.Batch(calls));
        Assert.Equal(calls.Length, response.Accepted);
        await events.WaitForEmptyOutboxAsync();
    }

    /// <summary>The subject's raw identifiers as UTF-8 (the phone's digits also catch a JSON-escaped '+') and their identity hashes.</summary>
    private static List<string> Needles(IdentityHasher hasher) =>
    [
        UserId, AnonymousId, Email, Email.Split('@')[0], Phone, Phone.TrimStart('+'),
        hasher.Hash(new Identifier(IdentifierTypes.UserId, UserId)),
        hasher.Hash(new Identifier(IdentifierTypes.AnonymousId, AnonymousId)),
        hasher.Hash(new Identifier(IdentifierTypes.Email, Email)),
        hasher.Hash(new Identifier(IdentifierTypes.Phone, Phone)),
    ];
}
