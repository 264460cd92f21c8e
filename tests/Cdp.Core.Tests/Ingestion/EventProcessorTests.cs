using System.Text;
using System.Text.Json;
using Cdp.Core.Events;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Processing;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;

namespace Cdp.Core.Tests.Ingestion;

public sealed class EventProcessorTests : IDisposable
{
    private readonly CoreHarness _core = new();

    public void Dispose() => _core.Dispose();

    private DateTimeOffset Now => _core.Time.GetUtcNow();

    [Fact]
    public async Task ProcessAsync_UnknownAnonymousId_CreatesAProfileLinkedToIt()
    {
        var summary = await _core.ProcessAsync(EventBuilder.Page("Home").AnonymousId("a1").MessageId("m1"));

        Assert.Equal(1, summary.ProfilesCreated);
        var profile = await _core.ProfileAsync(IdentifierTypes.AnonymousId, "a1");
        Assert.Contains(profile.Identifiers, i => i.Type == IdentifierTypes.AnonymousId && i.Value == "a1");
        Assert.Equal("m1", Assert.Single(_core.Timeline.EventsOf(profile.Id)).Id);
    }

    [Fact]
    public async Task ProcessAsync_SecondEventWithSameAnonymousId_UpdatesTheSameProfile()
    {
        await _core.ProcessAsync(EventBuilder.Page("Home").AnonymousId("a1").MessageId("m1"));

        var summary = await _core.ProcessAsync(EventBuilder.Track("Viewed").AnonymousId("a1").MessageId("m2"));

        Assert.Equal((0, 1), (summary.ProfilesCreated, summary.ProfilesUpdated));
        var profile = Assert.Single(await _core.LiveProfilesAsync());
        Assert.Equal(2, profile.Computed.EventCount);
        Assert.Equal(2, _core.Timeline.EventsOf(profile.Id).Count);
    }

    [Fact]
    public async Task ProcessAsync_EventsOfOnePersonInOneBatch_GoToOneProfile()
    {
        var summary = await _core.ProcessAsync(
            EventBuilder.Page("Home").AnonymousId("a1").MessageId("m1"),
            EventBuilder.Track("Viewed").AnonymousId("a1").MessageId("m2"),
            EventBuilder.Identify().AnonymousId("a1").UserId("u1").MessageId("m3"),
            EventBuilder.Track("Bought").UserId("u1").MessageId("m4"));

        Assert.Equal(1, summary.ProfilesCreated);
        Assert.Equal(4, Assert.Single(await _core.LiveProfilesAsync()).Computed.EventCount);
    }

    [Fact]
    public async Task ProcessAsync_IdentifyWithUserIdAndAnonymousId_LinksBothToOneProfile()
    {
        await _core.ProcessAsync(EventBuilder.Track("Viewed").AnonymousId("a1").MessageId("m1"));
        await _core.ProcessAsync(EventBuilder.Identify().AnonymousId("a1").UserId("u1").MessageId("m2"));

        await _core.ProcessAsync(EventBuilder.Track("Bought").UserId("u1").MessageId("m3"));

        var byUser = await _core.ProfileAsync(IdentifierTypes.UserId, "u1");
        var byAnonymous = await _core.ProfileAsync(IdentifierTypes.AnonymousId, "a1");
        Assert.Equal(byAnonymous.Id, byUser.Id);
        Assert.Equal(3, byUser.Computed.EventCount);
    }

    [Fact]
    public async Task ProcessAsync_IdentifyWithEmailTrait_MakesTheProfileFindableByEmail()
    {
        await _core.ProcessAsync(EventBuilder.Identify().UserId("u1").Trait("email", " Jane@Example.com ").MessageId("m1"));

        var profile = await _core.ProfileAsync(IdentifierTypes.Email, "jane@example.com");

        Assert.Equal(" Jane@Example.com ", profile.Traits["email"].Value.GetString());
    }

    [Fact]
    public async Task ProcessAsync_OlderTraitProcessedLater_DoesNotOverwriteTheNewer()
    {
        await _core.ProcessAsync(EventBuilder.Identify().UserId("u1").Trait("plan", "pro").Timestamp(Now.AddMinutes(-1)).MessageId("new"));

        await _core.ProcessAsync(EventBuilder.Identify().UserId("u1").Trait("plan", "free").Trait("city", "Oslo").Timestamp(Now.AddHours(-2)).MessageId("old"));

        var profile = await _core.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.Equal("pro", profile.Traits["plan"].Value.GetString());
        Assert.Equal(Now.AddMinutes(-1), profile.Traits["plan"].UpdatedAt);
        Assert.Equal("Oslo", profile.Traits["city"].Value.GetString());
    }

    [Fact]
    public async Task ProcessAsync_NewerTrait_Overwrites()
    {
        await _core.ProcessAsync(EventBuilder.Identify().UserId("u1").Trait("plan", "free").Timestamp(Now.AddHours(-2)).MessageId("m1"));

        await _core.ProcessAsync(EventBuilder.Identify().UserId("u1").Trait("plan", "pro").Timestamp(Now.AddMinutes(-1)).MessageId("m2"));

        var trait = (await _core.ProfileAsync(IdentifierTypes.UserId, "u1")).Traits["plan"];
        Assert.Equal("pro", trait.Value.GetString());
        Assert.Equal(CoreHarness.SourceId, trait.Source);
    }

    [Fact]
    public async Task ProcessAsync_FirstValueTrait_KeepsTheEarliestValueWhateverTheOrder()
    {
        using var core = new CoreHarness().With("Cdp:Profiles:FirstValueTraits:0", "utm_source");
        await core.ProcessAsync(EventBuilder.Identify().UserId("u1").Trait("utm_source", "newsletter").Timestamp(Now.AddDays(-1)).MessageId("m1"));
        await core.ProcessAsync(EventBuilder.Identify().UserId("u1").Trait("utm_source", "ads").Timestamp(Now).MessageId("m2"));
        await core.ProcessAsync(EventBuilder.Identify().UserId("u1").Trait("utm_source", "referral").Timestamp(Now.AddDays(-7)).MessageId("m3"));

        Assert.Equal("referral", (await core.ProfileAsync(IdentifierTypes.UserId, "u1")).Traits["utm_source"].Value.GetString());
    }

    [Fact]
    public async Task ProcessAsync_TrustedSourceSetATrait_LessTrustedNewerValueDoesNotReplaceIt()
    {
        using var core = new CoreHarness()
            .With("Cdp:Profiles:SourcePriority:0", "src-crm")
            .With("Cdp:Profiles:SourcePriority:1", CoreHarness.SourceId);
        var fromCrm = EventBuilder.Identify().UserId("u1").Trait("lastName", "Doe").Timestamp(Now.AddDays(-1)).MessageId("m1").ToQueued(Now, "src-crm");
        await core.ProcessAsync([fromCrm]);

        await core.ProcessAsync(EventBuilder.Identify().UserId("u1").Trait("lastName", "D.").Timestamp(Now).MessageId("m2"));

        var trait = (await core.ProfileAsync(IdentifierTypes.UserId, "u1")).Traits["lastName"];
        Assert.Equal(("Doe", "src-crm"), (trait.Value.GetString(), trait.Source));
    }

    [Fact]
    public async Task ProcessAsync_TraitsOnATrackCall_DoNotChangeProfileTraits()
    {
        await _core.ProcessAsync(EventBuilder.Track("Viewed").UserId("u1").Trait("plan", "free").MessageId("m1"));

        Assert.False((await _core.ProfileAsync(IdentifierTypes.UserId, "u1")).Traits.ContainsKey("plan"));
    }

    [Fact]
    public async Task ProcessAsync_SeveralEvents_MaintainsFirstLastSeenAndCountsPerName()
    {
        await _core.ProcessAsync(
            EventBuilder.Track("Order Completed").UserId("u1").Timestamp(Now.AddDays(-3)).MessageId("m1"),
            EventBuilder.Track("Order Completed").UserId("u1").Timestamp(Now.AddDays(-1)).MessageId("m2"),
            EventBuilder.Page("Home").UserId("u1").Timestamp(Now.AddDays(-5)).MessageId("m3"));
        await _core.ProcessAsync(
            EventBuilder.Track("Order Completed").UserId("u1").Timestamp(Now.AddDays(-2)).MessageId("m4"),
            EventBuilder.Identify().UserId("u1").Timestamp(Now.AddHours(-1)).MessageId("m5"));

        var computed = (await _core.ProfileAsync(IdentifierTypes.UserId, "u1")).Computed;
        Assert.Equal(5, computed.EventCount);
        Assert.Equal(3, computed.EventCounts["Order Completed"]);
        Assert.Equal(1, computed.EventCounts[EventTypes.Page]);
        Assert.Equal(1, computed.EventCounts[EventTypes.Identify]);
        Assert.Equal(Now.AddDays(-5), computed.FirstSeen);
        Assert.Equal(Now.AddHours(-1), computed.LastSeen);
    }

    [Fact]
    public async Task ProcessAsync_SameBatchTwice_CountsOnce()
    {
        var batch = _core.Queue(
            EventBuilder.Track("Viewed").UserId("u1").MessageId("m1"),
            EventBuilder.Track("Viewed").UserId("u1").MessageId("m2"));
        await _core.ProcessAsync(batch);

        var again = await _core.ProcessAsync(batch);

        Assert.Equal((2, 0, 2), (again.Received, again.Processed, again.Duplicates));
        var profile = await _core.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.Equal(2, profile.Computed.EventCount);
        Assert.Equal(2, _core.Timeline.EventsOf(profile.Id).Count);
    }

    [Fact]
    public async Task ProcessAsync_SameMessageIdTwiceInOneBatch_CountsOnce()
    {
        var summary = await _core.ProcessAsync(
            EventBuilder.Track("Viewed").UserId("u1").MessageId("m1"),
            EventBuilder.Track("Viewed").UserId("u1").MessageId("m1"));

        Assert.Equal(1, summary.Duplicates);
        Assert.Equal(1, (await _core.ProfileAsync(IdentifierTypes.UserId, "u1")).Computed.EventCount);
    }

    [Fact]
    public async Task ProcessAsync_MessageSeenBeforeTheDedupWindowEnded_IsADuplicateAndAfterwardsIsNot()
    {
        var batch = _core.Queue(EventBuilder.Track("Viewed").UserId("u1").MessageId("m1"));
        await _core.ProcessAsync(batch);

        _core.Time.Advance(TimeSpan.FromHours(47));
        Assert.Equal(1, (await _core.ProcessAsync(batch)).Duplicates);

        // Past the window the dedup store forgets; the profile's own recent ids still stop a double count.
        _core.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, (await _core.ProcessAsync(batch)).Duplicates);
        Assert.Equal(1, (await _core.ProfileAsync(IdentifierTypes.UserId, "u1")).Computed.EventCount);
    }

    [Fact]
    public async Task ProcessAsync_CrashAfterProfilesWereWritten_RedeliveryCountsOnce()
    {
        var dedup = default(CrashingDedupStore);
        using var core = new CoreHarness().Decorate<IDedupStore>(inner => dedup = new CrashingDedupStore(inner));
        var batch = core.Queue(
            EventBuilder.Identify().UserId("u1").AnonymousId("a1").MessageId("m1"),
            EventBuilder.Track("Order Completed").UserId("u1").MessageId("m2"),
            EventBuilder.Track("Viewed").AnonymousId("a2").MessageId("m3"));
        _ = core.Processor;
        dedup!.CrashOnNextMark();

        await Assert.ThrowsAsync<SimulatedCrashException>(() => core.ProcessAsync(batch));
        await core.ProcessAsync(batch);

        var u1 = await core.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.Equal(2, u1.Computed.EventCount);
        Assert.Equal(1, u1.Computed.EventCounts["Order Completed"]);
        Assert.Equal(1, (await core.ProfileAsync(IdentifierTypes.AnonymousId, "a2")).Computed.EventCount);
        Assert.Equal(2, (await core.LiveProfilesAsync()).Count);
        Assert.Equal(3, core.Timeline.Count);
        Assert.Single(core.Archive.Paths);
    }

    [Fact]
    public async Task ProcessAsync_RivalWritesTheProfileBetweenReadAndWrite_RetriesAndKeepsBothChanges()
    {
        var store = default(RacingProfileStore);
        using var core = new CoreHarness().Decorate<IProfileStore>(inner => store = new RacingProfileStore(inner));
        await core.ProcessAsync(EventBuilder.Identify().UserId("u1").Trait("plan", "free").Timestamp(Now.AddHours(-1)).MessageId("m1"));
        store!.RivalWritesBeforeNextReplace(p =>
        {
            p.Traits["vip"] = new TraitValue(JsonDocument.Parse("true").RootElement, Now, "crm");
            p.Computed.EventCounts["Imported"] = 1;
            return p;
        });

        await core.ProcessAsync(EventBuilder.Track("Order Completed").UserId("u1").MessageId("m2"));

        Assert.Equal(1, store.Conflicts);
        var profile = await core.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.True(profile.Traits["vip"].Value.GetBoolean());
        Assert.Equal("free", profile.Traits["plan"].Value.GetString());
        Assert.Equal(1, profile.Computed.EventCounts["Imported"]);
        Assert.Equal(1, profile.Computed.EventCounts["Order Completed"]);
        Assert.Equal(["m1", "m2"], profile.RecentMessageIds);
    }

    [Fact]
    public async Task ProcessAsync_RivalFillsTheProfileToTheTotalLimitBetweenReadAndWrite_TheBatchsNewIdentifierGivesWay()
    {
        var store = default(RacingProfileStore);
        using var core = new CoreHarness()
            .Configure<IdentityOptions>(o => o.MaxIdentifiersPerProfile = 3)
            .Decorate<IProfileStore>(inner => store = new RacingProfileStore(inner));
        await core.ProcessAsync(EventBuilder.Track("Viewed").UserId("u1").AnonymousId("a1").MessageId("m1"));
        store!.RivalWritesBeforeNextReplace(p =>
        {
            p.Identifiers.Add(new ProfileIdentifier(IdentifierTypes.Email, "x@example.com", "email:rival", Now));
            return p;
        });

        await core.ProcessAsync(EventBuilder.Track("Viewed").UserId("u1").AnonymousId("a2").MessageId("m2"));

        Assert.Equal(1, store.Conflicts);
        var profile = await core.ProfileAsync(IdentifierTypes.UserId, "u1");
        Assert.Equal(3, profile.Identifiers.Count);
        Assert.DoesNotContain(profile.Identifiers, i => i.Value == "a2");
        Assert.Contains(profile.History, h => h.Kind == HistoryKinds.IdentifierDropped && h.Description.Contains("3 identifiers", StringComparison.Ordinal));
        Assert.Null(await core.FindProfileAsync(IdentifierTypes.AnonymousId, "a2"));
        Assert.Equal(2, profile.Computed.EventCount);
    }

    [Fact]
    public async Task ProcessAsync_AnyBatch_ArchivesTheRawEventsHourlyAndRecordsTheFileBesideEachTimeline()
    {
        await _core.ProcessAsync(
            EventBuilder.Track("Viewed").UserId("u1").MessageId("m1"),
            EventBuilder.Page("Home").AnonymousId("a9").MessageId("m2"));

        var path = Assert.Single(_core.Archive.Paths);
        Assert.Matches(@"^2025/03/14/15/[0-9a-f]+\.ndjson$", path);
        var lines = Encoding.UTF8.GetString((await _core.Archive.ReadAsync(path, CancellationToken.None))!)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["m1", "m2"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("messageId").GetString()));
        Assert.Equal([path], await _core.RawBlobsAsync(IdentifierTypes.UserId, "u1"));
        Assert.Equal([path], await _core.RawBlobsAsync(IdentifierTypes.AnonymousId, "a9"));
        Assert.Null((await _core.ProfileAsync(IdentifierTypes.UserId, "u1")).RawBlobs);
    }

    [Fact]
    public async Task ProcessAsync_BatchesInDifferentHours_LandInDifferentHourFolders()
    {
        await _core.ProcessAsync(EventBuilder.Track("Viewed").UserId("u1").MessageId("m1"));
        _core.Time.Advance(TimeSpan.FromHours(1));
        await _core.ProcessAsync(EventBuilder.Track("Viewed").UserId("u1").MessageId("m2"));

        var paths = _core.Archive.Paths.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, paths.Count);
        Assert.StartsWith("2025/03/14/15/", paths[0], StringComparison.Ordinal);
        Assert.StartsWith("2025/03/14/16/", paths[1], StringComparison.Ordinal);
        Assert.Equal(paths, await _core.RawBlobsAsync(IdentifierTypes.UserId, "u1"));
    }

    /// <summary>
    /// Erasure rewrites only the blobs listed for a profile. A message redelivered in a differently grouped batch
    /// (after a crash before it was marked done) lands in a new blob; that blob must be listed too, or the
    /// person's raw event survives their erasure.
    /// </summary>
    [Fact]
    public async Task ProcessAsync_RedeliveryInAnotherBatch_RecordsEveryBlobHoldingTheProfilesEvents()
    {
        var dedup = default(CrashingDedupStore);
        using var core = new CoreHarness().Decorate<IDedupStore>(inner => dedup = new CrashingDedupStore(inner));
        var first = core.Queue(EventBuilder.Identify().UserId("u1").Trait("email", "jane@example.com").MessageId("m1"));
        _ = core.Processor;
        dedup!.CrashOnNextMark();
        await Assert.ThrowsAsync<SimulatedCrashException>(() => core.ProcessAsync(first));

        await core.ProcessAsync([first[0], .. core.Queue(EventBuilder.Track("Viewed").UserId("u2").MessageId("m2"))]);

        var holding = new List<string>();
        foreach (var path in core.Archive.Paths)
        {
            if (Encoding.UTF8.GetString((await core.Archive.ReadAsync(path, CancellationToken.None))!).Contains("\"m1\"", StringComparison.Ordinal))
            {
                holding.Add(path);
            }
        }

        Assert.Equal(2, holding.Count);
        Assert.Equal(holding.Order(StringComparer.Ordinal), await core.RawBlobsAsync(IdentifierTypes.UserId, "u1"));
    }

    /// <summary>
    /// A crash between writing a new profile and linking its identifiers, then a redelivery grouped differently
    /// (Event Hubs does not promise the same batches): the visitor must still have one profile counting each
    /// event once.
    /// </summary>
    [Fact]
    public async Task ProcessAsync_CrashBeforeLinksThenRegroupedRedelivery_KeepsOneProfileCountingEachEventOnce()
    {
        var index = default(CrashingIdentityIndex);
        using var core = new CoreHarness().Decorate<IIdentityIndex>(inner => index = new CrashingIdentityIndex(inner));
        var batch = core.Queue(
            EventBuilder.Page("Home").AnonymousId("a1").MessageId("m1"),
            EventBuilder.Track("Viewed").AnonymousId("a1").MessageId("m2"));
        _ = core.Processor;
        index!.CrashOnNextCreate();
        await Assert.ThrowsAsync<SimulatedCrashException>(() => core.ProcessAsync(batch));

        await core.ProcessAsync([batch[1]]);
        await core.ProcessAsync([batch[0]]);

        var profile = Assert.Single(await core.LiveProfilesAsync());
        Assert.Equal(2, profile.Computed.EventCount);
        Assert.Equal(profile.Id, (await core.ProfileAsync(IdentifierTypes.AnonymousId, "a1")).Id);
    }

    [Fact]
    public async Task ProcessAsync_RedeliveryOfAnEventWhoseIdentifierWasDropped_RecordsTheDecisionOnce()
    {
        var dedup = default(CrashingDedupStore);
        using var core = new CoreHarness().Decorate<IDedupStore>(inner => dedup = new CrashingDedupStore(inner));
        await core.ProcessAsync(EventBuilder.Identify().UserId("alice").AnonymousId("shared-browser").MessageId("m1"));
        var bob = core.Queue(EventBuilder.Identify().UserId("bob").AnonymousId("shared-browser").MessageId("m2"));
        dedup!.CrashOnNextMark();
        await Assert.ThrowsAsync<SimulatedCrashException>(() => core.ProcessAsync(bob));

        await core.ProcessAsync(bob);

        var history = (await core.ProfileAsync(IdentifierTypes.UserId, "bob")).History;
        Assert.Single(history, h => h.Kind == HistoryKinds.IdentifierDropped && h.MessageId == "m2");
    }

    /// <summary>
    /// A shared browser keeps sending another person's anonymousId with every event: each one is a refused identifier,
    /// and the document must not grow by a history line per event for ever.
    /// </summary>
    [Fact]
    public async Task ProcessAsync_IdentifierRefusedOnEveryEvent_KeepsOnlyTheNewestRefusalsInTheHistory()
    {
        await _core.ProcessAsync(EventBuilder.Identify().UserId("alice").AnonymousId("shared-browser").MessageId("a1"));
        var count = ProfileHistoryLimits.DroppedIdentifierLines + 50;
        await _core.ProcessAsync(Enumerable.Range(1, count)
            .Select(i => EventBuilder.Track("Viewed").UserId("bob").AnonymousId("shared-browser").MessageId($"b{i}"))
            .ToArray());

        var bob = await _core.ProfileAsync(IdentifierTypes.UserId, "bob");
        var refused = bob.History.Where(h => h.Kind == HistoryKinds.IdentifierDropped).ToList();
        Assert.Equal(ProfileHistoryLimits.DroppedIdentifierLines, refused.Count);
        Assert.Equal($"b{count}", refused[^1].MessageId);
        Assert.DoesNotContain(refused, h => h.MessageId == "b1");
        Assert.Contains(bob.History, h => h.Kind == HistoryKinds.Created);
        Assert.Contains(bob.History, h => h.Kind == HistoryKinds.IdentifierAdded && h.MessageId == "b1");
        Assert.Equal(count, bob.Computed.EventCount);
    }

    /// <summary>One absurd revenue value must not make every later batch touching that profile fail forever.</summary>
    [Fact]
    public async Task ProcessAsync_RevenueSumBeyondDecimalRange_DoesNotPoisonTheBatch()
    {
        await _core.ProcessAsync(EventBuilder.Track("Order Completed").UserId("u1").Property("revenue", decimal.MaxValue).MessageId("m1"));

        var summary = await _core.ProcessAsync(
            EventBuilder.Track("Order Completed").UserId("u1").Property("revenue", decimal.MaxValue).MessageId("m2"),
            EventBuilder.Track("Viewed").UserId("someone-else").MessageId("m3"));

        Assert.Equal(2, summary.Processed);
        Assert.Equal(2, (await _core.ProfileAsync(IdentifierTypes.UserId, "u1")).Computed.EventCounts["Order Completed"]);
    }

    [Fact]
    public async Task ProcessAsync_OrderCompletedWithRevenue_SumsItOnTheProfile()
    {
        await _core.ProcessAsync(
            EventBuilder.Track("Order Completed").UserId("u1").Property("revenue", 19.99m).MessageId("m1"),
            EventBuilder.Track("Order Completed").UserId("u1").Property("revenue", "5.01").MessageId("m2"),
            EventBuilder.Track("Order Completed").UserId("u1").Property("revenue", "n/a").MessageId("m3"));

        Assert.Equal(25.00m, (await _core.ProfileAsync(IdentifierTypes.UserId, "u1")).Computed.Sums["Order Completed.revenue"]);
    }

    [Fact]
    public async Task ProcessAsync_EventWhoseOnlyIdentifiersAreBlocked_IsNotAttachedAndCountedUnidentified()
    {
        var summary = await _core.ProcessAsync(
            EventBuilder.Track("Viewed").UserId("null").AnonymousId("undefined").MessageId("m1"),
            EventBuilder.Identify().UserId("0").Trait("email", "test@test.com").MessageId("m2"));

        Assert.Equal((2, 0, 0), (summary.Unidentified, summary.Processed, summary.ProfilesCreated));
        Assert.Equal(0, _core.Profiles.Count);
        Assert.Equal(0, _core.Identities.Count);
        Assert.Empty(_core.Archive.Paths);
    }

    [Fact]
    public async Task ProcessAsync_BlockedValuesBesideARealOne_DoNotLinkStrangersTogether()
    {
        await _core.ProcessAsync(EventBuilder.Track("Viewed").UserId("unknown").AnonymousId("a1").MessageId("m1"));
        await _core.ProcessAsync(EventBuilder.Track("Viewed").UserId("unknown").AnonymousId("a2").MessageId("m2"));

        Assert.Equal(2, (await _core.LiveProfilesAsync()).Count);
        Assert.All(await _core.LiveProfilesAsync(), p => Assert.DoesNotContain(p.Identifiers, i => i.Type == IdentifierTypes.UserId));
    }

    [Fact]
    public async Task ProcessAsync_UnidentifiedEventRedelivered_IsADuplicate()
    {
        var batch = _core.Queue(EventBuilder.Track("Viewed").AnonymousId("null").MessageId("m1"));
        await _core.ProcessAsync(batch);

        Assert.Equal(1, (await _core.ProcessAsync(batch)).Duplicates);
    }

    [Fact]
    public async Task ProcessAsync_Always_StoresOnlyHashesInTheIdentityIndex()
    {
        await _core.ProcessAsync(EventBuilder.Identify().UserId("u-42").Trait("email", "jane@example.com").Trait("phone", "+1 415 555 2671").MessageId("m1"));

        Assert.Equal(3, _core.Identities.Count);
        Assert.All(_core.Identities.All, link =>
        {
            Assert.Matches("^[A-Za-z]+:[0-9a-f]{64}$", link.Id);
            Assert.DoesNotContain("jane", link.Id, StringComparison.Ordinal);
            Assert.DoesNotContain("4155552671", link.Id, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task ProcessAsync_OneEventCarryingTwoPeoplesIdentifiers_RequestsOneMerge()
    {
        await _core.ProcessAsync(EventBuilder.Track("Viewed").AnonymousId("a1").MessageId("m1"));
        await _core.ProcessAsync(EventBuilder.Identify().UserId("u1").Trait("email", "jane@example.com").MessageId("m2"));
        var bridge = _core.Queue(EventBuilder.Identify().UserId("u1").AnonymousId("a1").MessageId("m3"));

        var summary = await _core.ProcessAsync(bridge);
        await _core.ProcessAsync(bridge);

        Assert.Equal(1, summary.MergesRequested);
        var request = Assert.Single(_core.Merges.Scheduled);
        var expected = new[] { (await _core.ProfileAsync(IdentifierTypes.AnonymousId, "a1")).Id, (await _core.ProfileAsync(IdentifierTypes.UserId, "u1")).Id };
        Assert.Equal(expected.Order(StringComparer.Ordinal), request.ProfileIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ProcessAsync_SecondUserIdOnASharedDevice_DoesNotJoinTheFirstUsersProfile()
    {
        await _core.ProcessAsync(EventBuilder.Identify().UserId("alice").AnonymousId("shared-browser").MessageId("m1"));

        await _core.ProcessAsync(EventBuilder.Identify().UserId("bob").AnonymousId("shared-browser").MessageId("m2"));

        var alice = await _core.ProfileAsync(IdentifierTypes.UserId, "alice");
        var bob = await _core.ProfileAsync(IdentifierTypes.UserId, "bob");
        Assert.NotEqual(alice.Id, bob.Id);
        Assert.Single(alice.Identifiers, i => i.Type == IdentifierTypes.UserId);
        Assert.Empty(_core.Merges.Scheduled);
    }

    /// <summary>
    /// Segment's alias says previousId and userId are one person. After it, the user's events must reach the
    /// profile the previous id built up, not start a new one.
    /// </summary>
    [Fact]
    public async Task ProcessAsync_AliasOfAnonymousVisitor_LinksTheUserIdToTheVisitorsProfile()
    {
        await _core.ProcessAsync(EventBuilder.Track("Viewed").AnonymousId("visitor-7").MessageId("m1"));

        await _core.ProcessAsync(EventBuilder.Alias("visitor-7").UserId("u1").MessageId("m2"));
        await _core.ProcessAsync(EventBuilder.Track("Bought").UserId("u1").MessageId("m3"));

        var visitor = await _core.ProfileAsync(IdentifierTypes.AnonymousId, "visitor-7");
        Assert.Equal(visitor.Id, (await _core.ProfileAsync(IdentifierTypes.UserId, "u1")).Id);
        Assert.Equal(1, visitor.Computed.EventCounts["Bought"]);
    }

    [Fact]
    public async Task ProcessAsync_EmptyBatch_DoesNothing()
    {
        Assert.Equal(ProcessingSummary.Empty, await _core.ProcessAsync(Array.Empty<SegmentEvent>()));
        Assert.Equal(0, _core.Profiles.Count);
    }

    [Fact]
    public async Task ProcessAsync_Timeline_KeepsTheTimelineContextSubsetAndReadsNewestFirst()
    {
        await _core.ProcessAsync(
            EventBuilder.Page("Home").UserId("u1").Timestamp(Now.AddMinutes(-10)).Context("page", new System.Text.Json.Nodes.JsonObject { ["path"] = "/" }).Context("ip", "192.0.2.1").MessageId("m1"),
            EventBuilder.Track("Bought").UserId("u1").Timestamp(Now.AddMinutes(-5)).Property("revenue", 30).MessageId("m2"));
        var profile = await _core.ProfileAsync(IdentifierTypes.UserId, "u1");

        var page = await _core.Timeline.GetPageAsync(profile.Id, 10, null, CancellationToken.None);

        Assert.Equal(["m2", "m1"], page.Events.Select(e => e.Id));
        Assert.Equal("Bought", page.Events[0].Name);
        Assert.Equal(30, page.Events[0].Properties!["revenue"].GetInt32());
        Assert.True(page.Events[1].Context!.ContainsKey("page"));
        Assert.False(page.Events[1].Context!.ContainsKey("ip"));
    }
}
