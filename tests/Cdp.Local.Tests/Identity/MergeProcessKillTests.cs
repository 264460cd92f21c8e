using System.Globalization;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using Cdp.Local.Storage;
using Cdp.Local.Tests.Infrastructure;
using Cdp.Local.Workflows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Local.Tests.Identity;

public sealed class MergeProcessKillTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] MergeActivities =
    [
        PlanMergeActivity.ActivityName, TombstoneProfileActivity.ActivityName, FoldProfileActivity.ActivityName,
        RepointIdentitiesActivity.ActivityName, MoveTimelineActivity.ActivityName, StripTombstoneActivity.ActivityName,
    ];

    [Fact]
    public async Task Merge_HostKilledAfterFourOfItsSteps_RestartedHostFinishesItWithNothingAppliedTwice()
    {
        using var data = new TempDataDirectory();
        var ct = CancellationToken.None;

        // 1. The host ingests a person's browsing, login and the call linking them; the merge runs up to MoveTimeline.
        int killedPid;
        using (var first = StartChild(data.Path, instanceId: null))
        {
            await first.WaitForLineAsync(MergeChildProcess.BlockingLine, ChildTimeout);
            killedPid = first.Pid;
            first.KillHard();
        }

        string instanceId;
        IReadOnlyList<ActivityRecord> recordedBeforeKill;
        using (var journal = new SqliteWorkflowJournal(data.Path))
        {
            instanceId = Assert.Single(await journal.GetUnfinishedAsync(ct));
            recordedBeforeKill = (await journal.GetHistoryAsync(instanceId, ct)).Activities;
        }

        Assert.Equal(MergeActivities[..4], recordedBeforeKill.OrderBy(a => a.Sequence).Select(a => a.Name));

        // 2. A new host on the same data directory resumes the merge at start-up (this time MoveTimeline does not wait).
        await File.WriteAllTextAsync(Path.Combine(data.Path, MergeChildProcess.ReleaseFile), string.Empty, ct);
        int resumedPid;
        using (var second = StartChild(data.Path, instanceId))
        {
            resumedPid = second.Pid;
            Assert.True(await second.WaitForExitAsync(ChildTimeout) == 0, second.Output);
        }

        // 3. What the data directory holds now.
        using var services = OpenDataDirectory(data.Path);
        var journalAfter = services.GetRequiredService<IWorkflowJournal>();
        var instance = (await journalAfter.GetAsync(instanceId, ct))!;
        Assert.Equal(WorkflowStatus.Completed, instance.Status);
        var outcome = instance.ReadOutput<MergeOutcome>()!;
        var survivorId = outcome.SurvivorId!;
        var loserId = Assert.Single(outcome.Merged);

        // The journal holds each step once; the four recorded before the kill were kept as they were, not redone.
        var history = (await journalAfter.GetHistoryAsync(instanceId, ct)).Activities.OrderBy(a => a.Sequence).ToList();
        Assert.Equal(MergeActivities, history.Select(a => a.Name));
        Assert.Equal(Enumerable.Range(0, MergeActivities.Length), history.Select(a => a.Sequence));
        Assert.All(history, a => Assert.True(a.Succeeded, a.Error));
        Assert.Equal(recordedBeforeKill.OrderBy(a => a.Sequence), history.Take(4));

        // The step cut off by the kill ran again after the restart, once; the steps after it ran only there.
        var moves = (await File.ReadAllLinesAsync(Path.Combine(data.Path, MergeChildProcess.MovesFile), ct))
            .Select(line => int.Parse(line, CultureInfo.InvariantCulture));
        Assert.Equal([killedPid, resumedPid], moves);

        // One live profile for the person, found by every identifier; the other is a bare redirect to it.
        var profiles = services.GetRequiredService<IProfileStore>();
        var stored = new List<Profile>();
        foreach (var id in AllProfileIds(services))
        {
            stored.Add((await profiles.GetAsync(id, ct))!.Value.Value);
        }

        var survivor = Assert.Single(stored, p => p.MergedInto is null);
        Assert.Equal(survivorId, survivor.Id);
        var lookup = services.GetRequiredService<ProfileLookup>();
        foreach (var (type, value) in new[] { ("userId", KillTestPerson.UserId), ("anonymousId", KillTestPerson.AnonymousId), ("email", KillTestPerson.Email) })
        {
            Assert.Equal(survivorId, (await lookup.FindAsync(type, value, ct)).Profile?.Id);
        }

        var loser = Assert.Single(stored, p => p.MergedInto is not null);
        Assert.Equal(loserId, loser.Id);
        Assert.Equal(survivorId, loser.MergedInto);
        Assert.Empty(loser.Identifiers);
        Assert.Empty(loser.Traits);
        Assert.Single(loser.History, h => h.Kind == HistoryKinds.MergedInto);

        // Folded once: the counters hold each event once, the history one merge, the identifiers no duplicates.
        var events = KillTestPerson.MessageIds;
        Assert.Equal(events.Count, survivor.Computed.EventCount);
        Assert.Equal(3, survivor.Computed.EventCounts["page"]);
        Assert.Equal(1, survivor.Computed.EventCounts["identify"]);
        Assert.Equal(1, survivor.Computed.EventCounts["Signed In"]);
        var mergedFrom = Assert.Single(survivor.History, h => h.Kind == HistoryKinds.MergedFrom);
        Assert.Equal(loserId, mergedFrom.OtherProfileId);
        Assert.Equal(3, survivor.Identifiers.Count);
        Assert.Equal(survivor.Identifiers.Count, survivor.Identifiers.DistinctBy(i => i.IdentityId).Count());

        // Every event on the survivor's timeline, none left on the loser's, and every identity link at the survivor.
        var timeline = services.GetRequiredService<ITimelineStore>();
        var onSurvivor = await timeline.GetPageAsync(survivorId, 1000, null, ct);
        Assert.Equal(events.Order(StringComparer.Ordinal), onSurvivor.Events.Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.All(onSurvivor.Events, e => Assert.Equal(survivorId, e.ProfileId));
        Assert.Empty((await timeline.GetPageAsync(loserId, 1000, null, ct)).Events);
        var identities = services.GetRequiredService<IIdentityIndex>();
        foreach (var id in survivor.Identifiers)
        {
            Assert.Equal(survivorId, (await identities.GetAsync(id.IdentityId, ct))?.Value.ProfileId);
        }
    }

    private static TestAssemblyChild StartChild(string dataDirectory, string? instanceId)
    {
        var environment = new Dictionary<string, string> { [MergeChildProcess.DataDirectoryVariable] = dataDirectory };
        if (instanceId is not null)
        {
            environment[MergeChildProcess.InstanceVariable] = instanceId;
        }

        return TestAssemblyChild.Start(dataDirectory, environment);
    }

    /// <summary>The host's services on the data directory, without starting it (no worker, no outbox processor): for reading.</summary>
    private static ServiceProvider OpenDataDirectory(string dataDirectory)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Cdp:Local:DataDirectory"] = dataDirectory })
            .Build();
        return new ServiceCollection().AddLogging().AddCdpLocalServices(configuration).BuildServiceProvider();
    }

    private static List<string> AllProfileIds(IServiceProvider services) =>
        services.GetRequiredService<SqliteDatabase>().Read(session =>
        {
            var ids = new List<string>();
            using var reader = session.Command("SELECT id FROM profiles ORDER BY id").ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        });
}
