using System.Text;
using System.Text.Json;
using Cdp.Core.Events;
using Cdp.Core.Ingestion;
using Cdp.Core.Privacy;
using Cdp.Core.Tests.Builders;
using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Tests.Privacy;

public sealed class ErasureWorkflowTests
{
    [Fact]
    public async Task Erasure_SubjectWithMergedProfile_DeletesEverythingOfTheSubjectAndNothingElse()
    {
        using var privacy = new PrivacyHarness();
        var cdp = privacy.Core;
        var subjects = await TwoSubjects.CreateAsync(cdp);
        var bobBefore = JsonSerializer.Serialize(subjects.BobProfile, CdpJsonContext.Default.Profile);
        var bobTimeline = cdp.Timeline.EventsOf(subjects.BobProfile.Id).Count;
        var archivePaths = cdp.Archive.Paths.ToList();

        var request = await privacy.SubmitAndRunAsync(
            PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)).Callback("https://dsr.example.com/callback"));

        // The request is done and keeps nothing of Jane.
        Assert.Equal(PrivacyRequestStatuses.Completed, request.Status);
        Assert.Empty(request.SubjectIdentities);
        Assert.Empty(request.LinkedIdentities);
        Assert.Empty(request.ProfileIds);
        Assert.Equal(["email"], request.IdentityTypes);
        Assert.Equal($"/api/privacy/requests/{request.Id}/results", request.ResultsUrl);

        // Her live profile and its tombstone, links, timeline and dedup entries are gone.
        Assert.DoesNotContain(subjects.JaneProfile.Id, cdp.Profiles.Ids);
        Assert.DoesNotContain(subjects.JaneTombstoneId, cdp.Profiles.Ids);
        foreach (var (type, value) in TwoSubjects.Jane)
        {
            Assert.Null(await cdp.Identities.GetAsync(privacy.IdentityId(type, value), CancellationToken.None));
        }

        Assert.All(subjects.JaneProfileIds, id => Assert.Empty(cdp.Timeline.EventsOf(id)));
        Assert.All(TwoSubjects.JaneMessageIds, id => Assert.False(cdp.Dedup.Holds(id)));

        // Every archive file she was in is rewritten to hold Bob's events only; no file was added or dropped.
        Assert.Equal(archivePaths.Order(), cdp.Archive.Paths.Order());
        var remaining = new List<string>();
        foreach (var path in archivePaths)
        {
            var text = Encoding.UTF8.GetString((await cdp.Archive.ReadAsync(path, CancellationToken.None))!);
            remaining.AddRange(text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonSerializer.Deserialize(line, CdpJsonContext.Default.SegmentEvent)!.MessageId!));
        }

        Assert.Equal(TwoSubjects.BobMessageIds.Order(), remaining.Order());

        // Bob is untouched.
        Assert.Equal(bobBefore, JsonSerializer.Serialize((await cdp.Profiles.GetAsync(subjects.BobProfile.Id, CancellationToken.None))!.Value.Value,
            CdpJsonContext.Default.Profile));
        Assert.Equal(bobTimeline, cdp.Timeline.EventsOf(subjects.BobProfile.Id).Count);
        foreach (var (type, value) in TwoSubjects.Bob)
        {
            Assert.NotNull(await cdp.Identities.GetAsync(privacy.IdentityId(type, value), CancellationToken.None));
        }

        Assert.All(TwoSubjects.BobMessageIds, id => Assert.True(cdp.Dedup.Holds(id)));

        // The callback heard both status changes.
        Assert.Equal([PrivacyRequestStatuses.InProgress, PrivacyRequestStatuses.Completed], privacy.Notifier.Sent.Select(s => s.Status));
        Assert.Equal(request.ResultsUrl, privacy.Notifier.Sent[^1].ResultsUrl);
    }

    [Fact]
    public async Task Erasure_Completed_NoStoreHoldsTheSubjectsValuesOrIdentityHashes()
    {
        using var privacy = new PrivacyHarness();
        var subjects = await TwoSubjects.CreateAsync(privacy.Core);
        var instances = new List<string>();

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("userId", TwoSubjects.JaneUserId), ("phone", TwoSubjects.JanePhone)));
        instances.Add(request.WorkflowInstanceId());

        Assert.Empty(await privacy.FindTracesAsync(TwoSubjects.Jane, subjects.JaneProfileIds, instances));

        // The scan does find what is still there: Bob, in every kind of store that holds him.
        var bob = await privacy.FindTracesAsync(TwoSubjects.Bob, [subjects.BobProfile.Id], instances);
        Assert.Contains("profiles: email value", bob);
        Assert.Contains("identities: email identity hash", bob);
        Assert.Contains("raw-events: email value", bob);
    }

    [Fact]
    public async Task Erasure_Completed_WritesCertificateWithCountsAndCleanVerificationAndNoPersonalData()
    {
        using var privacy = new PrivacyHarness();
        await TwoSubjects.CreateAsync(privacy.Core);

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)));

        var file = Assert.Single(request.Results);
        Assert.Equal((DocumentAreas.Certificates, request.Id + ".json"), (file.Area, file.Path));
        var bytes = (await privacy.Documents.ReadAsync(file.Area, file.Path, CancellationToken.None))!;
        var certificate = JsonSerializer.Deserialize(bytes, PrivacyJsonContext.Default.ErasureCertificate)!;
        Assert.Equal(request.Id, certificate.RequestId);
        Assert.Equal(request.RequestHash, certificate.RequestHash);
        Assert.Equal(SuppressionModes.SuppressWithDelete, certificate.SuppressionMode);
        Assert.True(certificate.Verification.Clean);
        Assert.All(certificate.Verification.Traces.Values, t => Assert.Equal(0, t));
        Assert.Equal(2, certificate.Counts[PrivacyStores.Profiles]);
        Assert.Equal(4, certificate.Counts[PrivacyStores.Identities]);
        Assert.Equal(4, certificate.Counts[PrivacyStores.TimelineEvents]);
        Assert.Equal(4, certificate.Counts[PrivacyStores.RawEvents]);
        Assert.Equal(4, certificate.Counts[PrivacyStores.RawEventFiles]);
        Assert.Equal(4, certificate.Counts[PrivacyStores.SuppressionEntries]);
        Assert.Equal(4, certificate.Counts[PrivacyStores.DedupEntries]);
        Assert.Equal(request.StartedTime, certificate.StartedTime);
        Assert.Equal(request.CompletedTime, certificate.CompletedTime);

        var text = Encoding.UTF8.GetString(bytes);
        foreach (var (type, value) in TwoSubjects.Jane)
        {
            Assert.DoesNotContain(value, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(privacy.IdentityId(type, value).Split(':')[1], text, StringComparison.Ordinal);
        }

        // The results API serves it.
        var served = await privacy.Requests.ReadResultsAsync(request.Id, null, CancellationToken.None);
        Assert.Equal(bytes, served!.Content);
    }

    [Fact]
    public async Task Erasure_Completed_AuditTrailRecordsEachStepWithoutPersonalData()
    {
        using var privacy = new PrivacyHarness();
        await TwoSubjects.CreateAsync(privacy.Core);

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)));

        var entries = await privacy.Audit.ListAsync(request.Id, CancellationToken.None);
        Assert.Equal(
            ["submitted", "started", "resolved", "suppressed", "raw_events_rewritten", "timeline_erased", "exports_flagged", "destinations_notified", "identities_erased",
                "profiles_erased", "verified", "certificate_written", "completed"],
            entries.Select(e => e.Action).Distinct());
        Assert.Equal(PrivacyHarness.Actor, entries[0].ActorId);
        Assert.All(entries.Skip(1), e => Assert.Equal(PrivacyRequestDocuments.WorkflowActor, e.ActorId));
        Assert.All(entries, e => Assert.Equal(PrivacyAuditOutcomes.Succeeded, e.Outcome));
    }

    [Fact]
    public async Task Ingest_AfterErasure_DropsAndCountsTheSubjectsEventsByAnyOfTheirIdentifiers()
    {
        using var privacy = new PrivacyHarness();
        var cdp = privacy.Core;
        await TwoSubjects.CreateAsync(cdp);
        await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)));
        var profiles = cdp.Profiles.Count;
        var files = cdp.Archive.Paths.Count;
        var lookups = privacy.Suppressions.Lookups;

        // By the email she gave, and by the anonymous id only found on her profile; Bob's event in the same batch goes through.
        var summary = await cdp.ProcessAsync(
            EventBuilder.Identify().Trait("email", "  Jane.Doe@Example.com ").AnonymousId("a-new-device").MessageId("m-late-1"),
            EventBuilder.Page("Back").AnonymousId(TwoSubjects.JaneAnonymousId).MessageId("m-late-2"),
            EventBuilder.Track("Came Back").UserId(TwoSubjects.BobUserId).MessageId("m-late-3"));

        Assert.Equal(2, summary.Suppressed);
        Assert.Equal(1, summary.Processed);
        Assert.Equal(lookups + 1, privacy.Suppressions.Lookups);
        Assert.Equal(profiles, cdp.Profiles.Count);
        Assert.Null(await cdp.FindProfileAsync("anonymousId", "a-new-device"));
        Assert.Equal(files + 1, cdp.Archive.Paths.Count);
        var newest = cdp.Archive.Paths.Except(await ArchivedBeforeAsync(cdp, files)).Single();
        Assert.DoesNotContain("Jane", Encoding.UTF8.GetString((await cdp.Archive.ReadAsync(newest, CancellationToken.None))!), StringComparison.OrdinalIgnoreCase);

        // A redelivery of the suppressed events is a duplicate, not counted twice.
        var again = await cdp.ProcessAsync(EventBuilder.Page("Back").AnonymousId(TwoSubjects.JaneAnonymousId).MessageId("m-late-2"));
        Assert.Equal((0, 1), (again.Suppressed, again.Duplicates));
    }

    [Fact]
    public async Task Unsuppress_AfterErasure_LetsTheSubjectsEventsInAgain()
    {
        using var privacy = new PrivacyHarness();
        var cdp = privacy.Core;
        await TwoSubjects.CreateAsync(cdp);
        await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)));

        var lifted = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)).Mode(SuppressionModes.Unsuppress));

        Assert.Equal(PrivacyRequestStatuses.Completed, lifted.Status);
        Assert.Equal(0, privacy.Suppressions.Count);
        var certificate = JsonSerializer.Deserialize(
            (await privacy.Documents.ReadAsync(DocumentAreas.Certificates, lifted.Id + ".json", CancellationToken.None))!,
            PrivacyJsonContext.Default.ErasureCertificate)!;
        Assert.Equal(4, certificate.Counts[UnsuppressSubjectActivity.RemovedCount]);

        // Also the identifiers the requester never named (found on her profile at erasure time).
        var summary = await cdp.ProcessAsync(EventBuilder.Page("Hello again").AnonymousId(TwoSubjects.JaneAnonymousId));
        Assert.Equal((0, 1), (summary.Suppressed, summary.Processed));
        Assert.NotNull(await cdp.FindProfileAsync("anonymousId", TwoSubjects.JaneAnonymousId));
    }

    [Fact]
    public async Task SuppressOnly_KeepsTheDataAndDropsNewEvents()
    {
        using var privacy = new PrivacyHarness();
        var cdp = privacy.Core;
        var subjects = await TwoSubjects.CreateAsync(cdp);
        var archive = await SnapshotArchiveAsync(cdp);

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("userId", TwoSubjects.JaneUserId)).Mode(SuppressionModes.SuppressOnly));

        Assert.Equal(PrivacyRequestStatuses.Completed, request.Status);
        Assert.Equal(subjects.JaneProfile.Id, (await cdp.ProfileAsync("email", TwoSubjects.JaneEmail)).Id);
        Assert.Equal(4, cdp.Timeline.EventsOf(subjects.JaneProfile.Id).Count);
        Assert.Equal(archive, await SnapshotArchiveAsync(cdp));
        Assert.Equal(4, privacy.Suppressions.Count);
        Assert.Equal(1, (await cdp.ProcessAsync(EventBuilder.Track("Still Here").UserId(TwoSubjects.JaneUserId))).Suppressed);
    }

    [Fact]
    public async Task DeleteOnly_DeletesTheDataAndAcceptsNewEvents()
    {
        using var privacy = new PrivacyHarness();
        var cdp = privacy.Core;
        var subjects = await TwoSubjects.CreateAsync(cdp);

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)).Mode(SuppressionModes.DeleteOnly));

        Assert.Equal(PrivacyRequestStatuses.Completed, request.Status);
        Assert.DoesNotContain(subjects.JaneProfile.Id, cdp.Profiles.Ids);
        Assert.Equal(0, privacy.Suppressions.Count);
        var summary = await cdp.ProcessAsync(EventBuilder.Identify().Trait("email", TwoSubjects.JaneEmail).UserId(TwoSubjects.JaneUserId));
        Assert.Equal((0, 1), (summary.Suppressed, summary.ProfilesCreated));
    }

    [Fact]
    public async Task Erasure_UnknownSubject_CompletesWithZeroCountsAndStillSuppresses()
    {
        using var privacy = new PrivacyHarness();
        await TwoSubjects.CreateAsync(privacy.Core);

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", "nobody@example.org")));

        Assert.Equal(PrivacyRequestStatuses.Completed, request.Status);
        var certificate = JsonSerializer.Deserialize(
            (await privacy.Documents.ReadAsync(DocumentAreas.Certificates, request.Id + ".json", CancellationToken.None))!,
            PrivacyJsonContext.Default.ErasureCertificate)!;
        Assert.Equal(0, certificate.Counts[PrivacyStores.Profiles]);
        Assert.Equal(1, certificate.Counts[PrivacyStores.SuppressionEntries]);
        Assert.Equal(2, (await privacy.Core.LiveProfilesAsync()).Count);
    }

    [Fact]
    public async Task Erasure_ProfileWasExported_DeletesTheFileAndFlagsTheDestination()
    {
        var memberships = new FakeProfileRecords("segmentMemberships");
        using var privacy = new PrivacyHarness(core => core.WithServices(s => s.AddSingleton<IProfileRecordSource>(memberships)));
        var subjects = await TwoSubjects.CreateAsync(privacy.Core);
        memberships.Add(subjects.JaneProfile.Id, """{"segmentId":"vip"}""");
        memberships.Add(subjects.BobProfile.Id, """{"segmentId":"vip"}""");
        var export = new DocumentRef(DocumentAreas.Exports, "vip/2025-03-14.csv", "text/csv");
        await privacy.Documents.WriteAsync(export.Area, export.Path, Encoding.UTF8.GetBytes($"{TwoSubjects.JaneEmail}\n{TwoSubjects.BobEmail}\n"), "text/csv",
            CancellationToken.None);
        await privacy.Ledger.RecordAsync(new ExportRecord("x1:" + subjects.JaneProfile.Id, subjects.JaneProfile.Id, "mailchimp", TestOptions.Now, export),
            CancellationToken.None);
        await privacy.Ledger.RecordAsync(new ExportRecord("x1:" + subjects.BobProfile.Id, subjects.BobProfile.Id, "mailchimp", TestOptions.Now, export),
            CancellationToken.None);

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)));

        Assert.Null(await privacy.Documents.ReadAsync(export.Area, export.Path, CancellationToken.None));
        var flagged = Assert.Single(await privacy.Ledger.ListByProfileAsync(subjects.JaneProfile.Id, CancellationToken.None));
        Assert.Equal((request.Id, TestOptions.Now), (flagged.ErasureRequestId, flagged.FlaggedAt));
        Assert.Null(Assert.Single(await privacy.Ledger.ListByProfileAsync(subjects.BobProfile.Id, CancellationToken.None)).ErasureRequestId);
        Assert.Empty(memberships.Of(subjects.JaneProfile.Id));
        Assert.Single(memberships.Of(subjects.BobProfile.Id));
        var certificate = JsonSerializer.Deserialize(
            (await privacy.Documents.ReadAsync(DocumentAreas.Certificates, request.Id + ".json", CancellationToken.None))!,
            PrivacyJsonContext.Default.ErasureCertificate)!;
        Assert.Equal(["mailchimp"], certificate.ExportDestinations);
        Assert.Equal((1, 1, 1), (certificate.Counts[PrivacyStores.ExportFiles], certificate.Counts[PrivacyStores.ExportRecords],
            certificate.Counts["segmentMemberships"]));
    }

    [Fact]
    public async Task Erasure_EventsArriveAfterTheSubjectWasResolved_NextRoundErasesThemToo()
    {
        // A batch processed after her links were deleted (delete-only: nothing stops it) makes her a new profile;
        // verification finds its link and the next round erases it.
        var hook = new HookedProfileStore();
        using var privacy = new PrivacyHarness(core => core.Decorate<Profiles.IProfileStore>(hook.Wrap));
        var subjects = await TwoSubjects.CreateAsync(privacy.Core);
        hook.BeforeNextDelete = () => privacy.Core.ProcessAsync(EventBuilder.Track("In Flight").UserId(TwoSubjects.JaneUserId).MessageId("m-inflight"));

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)).Mode(SuppressionModes.DeleteOnly));

        Assert.Equal(PrivacyRequestStatuses.Completed, request.Status);
        Assert.Null(await privacy.Core.FindProfileAsync("userId", TwoSubjects.JaneUserId));
        var certificate = JsonSerializer.Deserialize(
            (await privacy.Documents.ReadAsync(DocumentAreas.Certificates, request.Id + ".json", CancellationToken.None))!,
            PrivacyJsonContext.Default.ErasureCertificate)!;
        Assert.Equal(2, certificate.Verification.Rounds);
        Assert.Equal(3, certificate.Counts[PrivacyStores.Profiles]);
        Assert.Empty(await privacy.FindTracesAsync(TwoSubjects.Jane, [.. subjects.JaneProfileIds], [request.WorkflowInstanceId()]));
    }

    [Fact]
    public async Task Erasure_HostKilledMidway_FinishesWhenRunAgain()
    {
        var hook = new HookedProfileStore();
        using var privacy = new PrivacyHarness(core => core.Decorate<Profiles.IProfileStore>(hook.Wrap));
        var subjects = await TwoSubjects.CreateAsync(privacy.Core);
        var submitted = await privacy.SubmitAsync(PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)));
        var id = submitted.Request!.Id;

        // The first profile delete takes the "host" down: the runner stops with the workflow unfinished.
        using (var kill = new CancellationTokenSource())
        {
            hook.BeforeNextDelete = () =>
            {
                kill.Cancel();
                throw new OperationCanceledException(kill.Token);
            };
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => privacy.RunAsync(id, kill.Token));
        }

        Assert.Equal(PrivacyRequestStatuses.InProgress, (await privacy.RequestAsync(id)).Status);
        Assert.Equal(WorkflowStatus.Running, (await privacy.Get<IWorkflowClient>().GetAsync("privacy-" + id, CancellationToken.None))!.Status);

        var instance = await privacy.RunAsync(id);

        Assert.Equal(WorkflowStatus.Completed, instance.Status);
        Assert.Equal(PrivacyRequestStatuses.Completed, (await privacy.RequestAsync(id)).Status);
        Assert.Empty(await privacy.FindTracesAsync(TwoSubjects.Jane, subjects.JaneProfileIds, [instance.InstanceId]));
    }

    [Fact]
    public async Task Erasure_StepKeepsFailing_StaysInProgressWithErrorAndResubmissionFinishesIt()
    {
        var failing = new FailingCertificates();
        using var privacy = new PrivacyHarness(core => core.Decorate<IDocumentArea>(failing.Wrap));
        await TwoSubjects.CreateAsync(privacy.Core);
        var builder = PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail));
        var id = (await privacy.SubmitAsync(builder)).Request!.Id;

        var failed = await privacy.RunAsync(id);

        Assert.Equal(WorkflowStatus.Failed, failed.Status);
        var stuck = await privacy.RequestAsync(id);
        Assert.Equal(PrivacyRequestStatuses.InProgress, stuck.Status);
        Assert.Contains(WriteErasureCertificateActivity.ActivityName, stuck.Error, StringComparison.Ordinal);
        Assert.Equal(stuck.Error, privacy.Requests.Status(stuck).ProcessingError);
        Assert.Contains(privacy.Audit.All, e => e.Action == "failed" && e.Outcome == PrivacyAuditOutcomes.Failed);

        failing.Fail = false;
        var again = await privacy.SubmitAsync(builder);
        Assert.Equal(PrivacyOutcome.Existing, again.Outcome);
        Assert.Equal(2, again.Request!.Attempt);
        var retried = await privacy.RunAsync(id);

        Assert.Equal((WorkflowStatus.Completed, "privacy-" + id + "-2"), (retried.Status, retried.InstanceId));
        var done = await privacy.RequestAsync(id);
        Assert.Equal(PrivacyRequestStatuses.Completed, done.Status);
        Assert.Null(done.Error);
    }

    [Fact]
    public async Task ErasureWorkflow_RunAgainAfterCompletion_ChangesNothing()
    {
        using var privacy = new PrivacyHarness();
        var subjects = await TwoSubjects.CreateAsync(privacy.Core);
        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)));
        var before = await privacy.StoredBytesAsync([.. subjects.JaneProfileIds, subjects.BobProfile.Id], []);

        var client = privacy.Get<IWorkflowClient>();
        await client.StartAsync(ErasureWorkflow.WorkflowName, "rerun", new PrivacyWorkflowInput(request.Id, 1));
        await privacy.Get<WorkflowRunner>().RunAsync("rerun", CancellationToken.None);

        var rerun = (await client.GetAsync("rerun"))!.ReadOutput<PrivacyWorkflowOutcome>()!;
        Assert.Equal(PrivacyRequestStatuses.Completed, rerun.Status);
        var after = await privacy.StoredBytesAsync([.. subjects.JaneProfileIds, subjects.BobProfile.Id], []);
        Assert.Equal(before.Select(b => Convert.ToBase64String(b.Bytes)), after.Select(b => Convert.ToBase64String(b.Bytes)));
    }

    [Fact]
    public async Task ErasureActivities_EachRunTwice_SecondRunChangesNothing()
    {
        using var privacy = new PrivacyHarness();
        var subjects = await TwoSubjects.CreateAsync(privacy.Core);
        var id = (await privacy.SubmitAsync(PrivacyRequestBuilder.Erasure(("email", TwoSubjects.JaneEmail)))).Request!.Id;
        var input = new PrivacyWorkflowInput(id, 1);
        var registry = privacy.Get<WorkflowRegistry>();
        string[] steps =
        [
            BeginPrivacyRequestActivity.ActivityName, ResolveSubjectActivity.ActivityName, SuppressSubjectActivity.ActivityName,
            RewriteRawEventsActivity.ActivityName, EraseTimelineActivity.ActivityName, EraseProfileRecordsActivity.ActivityName,
            FlagExportsActivity.ActivityName, EraseIdentitiesActivity.ActivityName, EraseProfilesActivity.ActivityName,
            VerifyErasureActivity.ActivityName,
        ];
        IReadOnlyList<string> profileIds = [.. subjects.JaneProfileIds, subjects.BobProfile.Id];

        foreach (var step in steps)
        {
            using var scope = privacy.Core.Services.CreateScope();
            var activity = registry.ResolveActivity(scope.ServiceProvider, step);
            await activity.RunAsync(input, CancellationToken.None);
            var once = await privacy.StoredBytesAsync(profileIds, []);
            await activity.RunAsync(input, CancellationToken.None);
            var twice = await privacy.StoredBytesAsync(profileIds, []);
            Assert.True(once.Select(b => Convert.ToBase64String(b.Bytes)).SequenceEqual(twice.Select(b => Convert.ToBase64String(b.Bytes))),
                $"{step} changed the stores when run again");
        }

        Assert.Null(await privacy.Core.FindProfileAsync("email", TwoSubjects.JaneEmail));
    }

    private static async Task<List<string>> ArchivedBeforeAsync(CoreHarness cdp, int count)
    {
        // Files written before the late batch: those that hold none of the late message ids.
        var before = new List<string>();
        foreach (var path in cdp.Archive.Paths)
        {
            var text = Encoding.UTF8.GetString((await cdp.Archive.ReadAsync(path, CancellationToken.None))!);
            if (!text.Contains("m-late-", StringComparison.Ordinal))
            {
                before.Add(path);
            }
        }

        Assert.Equal(count, before.Count);
        return before;
    }

    private static async Task<Dictionary<string, string>> SnapshotArchiveAsync(CoreHarness cdp)
    {
        var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in cdp.Archive.Paths)
        {
            snapshot[path] = Convert.ToBase64String((await cdp.Archive.ReadAsync(path, CancellationToken.None))!);
        }

        return snapshot;
    }
}
