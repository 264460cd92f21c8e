using System.Text;
using System.Text.Json;
using Cdp.Core.Privacy;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Tests.Privacy;

public sealed class AccessWorkflowTests
{
    [Fact]
    public async Task Access_SubjectWithMergedProfile_PackageHoldsEverythingHeldOnThemAndNothingElse()
    {
        var memberships = new FakeProfileRecords("segmentMemberships");
        using var privacy = new PrivacyHarness(core => core.WithServices(s => s.AddSingleton<IProfileRecordSource>(memberships)));
        var cdp = privacy.Core;
        var subjects = await TwoSubjects.CreateAsync(cdp);

        // A long timeline (more than one page) and everything else a profile can carry.
        await cdp.ProcessAsync([.. Enumerable.Range(0, 520).Select(i =>
            EventBuilder.Track("Viewed Item").UserId(TwoSubjects.JaneUserId).Property("n", i).Timestamp(TestOptions.Now.AddHours(1).AddSeconds(i)))]);
        await GrantMarketingAsync(cdp, subjects.JaneProfile.Id);
        memberships.Add(subjects.JaneProfile.Id, """{"segmentId":"frequent-buyers"}""");
        await privacy.Ledger.RecordAsync(new ExportRecord("x1:" + subjects.JaneProfile.Id, subjects.JaneProfile.Id, "mailchimp", TestOptions.Now),
            CancellationToken.None);

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Access(("userId", TwoSubjects.JaneUserId)));

        Assert.Equal(PrivacyRequestStatuses.Completed, request.Status);
        Assert.Empty(request.SubjectIdentities);
        Assert.Equal($"/api/privacy/requests/{request.Id}/results", request.ResultsUrl);
        var file = Assert.Single(request.Results);
        Assert.Equal((DocumentAreas.AccessPackages, request.Id + ".json"), (file.Area, file.Path));
        var bytes = (await privacy.Requests.ReadResultsAsync(request.Id, null, CancellationToken.None))!.Content;
        var package = JsonSerializer.Deserialize(bytes, PrivacyJsonContext.Default.AccessPackage)!;

        Assert.Equal(subjects.JaneProfile.Id, Assert.Single(package.Profiles).Id);
        Assert.Equal(
            TwoSubjects.Jane.Select(i => new SubjectIdentity(i.Type, i.Value)).OrderBy(i => i.Type, StringComparer.Ordinal),
            package.Identities.OrderBy(i => i.Type, StringComparer.Ordinal));
        var consent = Assert.Single(package.Consent);
        Assert.True(consent.Current["marketing"].Granted);
        Assert.Equal("marketing", Assert.Single(consent.History).Purpose);
        Assert.Equal(subjects.JaneTombstoneId, Assert.Single(package.MergeHistory).OtherProfileId);
        Assert.Equal(524, package.Timeline.Count);
        Assert.Equal(package.Timeline.OrderByDescending(e => e.Timestamp).Select(e => e.Id), package.Timeline.Select(e => e.Id));
        Assert.Equal("frequent-buyers", Assert.Single(package.OtherRecords["segmentMemberships"]).GetProperty("segmentId").GetString());
        Assert.Equal("mailchimp", Assert.Single(package.Exports).Destination);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain(TwoSubjects.BobEmail, text, StringComparison.Ordinal);
        Assert.DoesNotContain(TwoSubjects.BobUserId, text, StringComparison.Ordinal);

        // Nothing of Jane outside the package: the request, the audit trail and the workflow history hold no trace of her.
        var traces = await privacy.FindTracesAsync(TwoSubjects.Jane, [], [request.WorkflowInstanceId()]);
        Assert.DoesNotContain(traces, t => t.StartsWith("privacy-requests", StringComparison.Ordinal)
            || t.StartsWith("audit", StringComparison.Ordinal) || t.StartsWith("workflow-journal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Portability_Subject_AlsoWritesTheEventsAsNdjson()
    {
        using var privacy = new PrivacyHarness();
        await TwoSubjects.CreateAsync(privacy.Core);

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Portability(("email", TwoSubjects.JaneEmail)));

        Assert.Equal(2, request.Results.Count);
        var ndjson = await privacy.Requests.ReadResultsAsync(request.Id, "ndjson", CancellationToken.None);
        Assert.Equal(PrivacyDocuments.NdjsonContentType, ndjson!.ContentType);
        var events = Encoding.UTF8.GetString(ndjson.Content).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize(line, CdpJsonContext.Default.TimelineEvent)!).ToList();
        Assert.Equal(TwoSubjects.JaneMessageIds.Order(), events.Select(e => e.Id).Order());
    }

    [Fact]
    public async Task Access_ThenErasure_ErasureDeletesThePackageAndFlagsTheDelivery()
    {
        using var privacy = new PrivacyHarness();
        var subjects = await TwoSubjects.CreateAsync(privacy.Core);
        var access = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Portability(("email", TwoSubjects.JaneEmail)));
        Assert.All(subjects.JaneProfileIds, id => Assert.Contains(privacy.Ledger.All, r => r.ProfileId == id && r.Destination == "data-subject"));

        var erasure = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)));

        Assert.Equal(PrivacyRequestStatuses.Completed, erasure.Status);
        Assert.Null(await privacy.Requests.ReadResultsAsync(access.Id, null, CancellationToken.None));
        Assert.Null(await privacy.Requests.ReadResultsAsync(access.Id, "ndjson", CancellationToken.None));
        Assert.All(privacy.Ledger.All, r => Assert.Equal(erasure.Id, r.ErasureRequestId));
        Assert.Empty(await privacy.FindTracesAsync(TwoSubjects.Jane, subjects.JaneProfileIds, [access.WorkflowInstanceId(), erasure.WorkflowInstanceId()]));
    }

    [Fact]
    public async Task Access_UnknownSubject_CompletesWithAnEmptyPackage()
    {
        using var privacy = new PrivacyHarness();

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Access(("email", "nobody@example.org")));

        var package = JsonSerializer.Deserialize((await privacy.Requests.ReadResultsAsync(request.Id, null, CancellationToken.None))!.Content,
            PrivacyJsonContext.Default.AccessPackage)!;
        Assert.Empty(package.Profiles);
        Assert.Empty(package.Timeline);
    }

    private static async Task GrantMarketingAsync(CoreHarness cdp, string profileId)
    {
        var read = (await cdp.Profiles.GetAsync(profileId, CancellationToken.None))!.Value;
        read.Value.Consent["marketing"] = new ConsentState(true, TestOptions.Now, "preference-center");
        read.Value.ConsentHistory.Add(new ConsentHistoryEntry("marketing", true, TestOptions.Now, "preference-center"));
        await cdp.Profiles.ReplaceAsync(read.Value, read.ETag, CancellationToken.None);
    }
}
