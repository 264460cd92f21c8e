using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using Cdp.Local.Tests.Infrastructure;
using Cdp.Local.Workflows;

namespace Cdp.Local.Tests.Workflows;

public sealed class SqliteWorkflowJournalTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 30, 15, 123, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempDataDirectory _data = new();
    private readonly SqliteWorkflowJournal _journal;

    public SqliteWorkflowJournalTests() => _journal = new SqliteWorkflowJournal(_data.Path);

    public void Dispose()
    {
        _journal.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task CreateIfAbsentAsync_SameIdTwice_KeepsTheFirstInstanceAndInput()
    {
        var (first, created) = await _journal.CreateIfAbsentAsync("Merge", "merge-a-b", "{\"a\":1}", T0, None);
        var (second, createdAgain) = await _journal.CreateIfAbsentAsync("Merge", "merge-a-b", "{\"a\":2}", T0.AddHours(1), None);

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(first, second);
        Assert.Equal(new WorkflowInstance("Merge", "merge-a-b", WorkflowStatus.Pending, T0, T0, null, null), first);
        Assert.Equal("{\"a\":1}", await _journal.GetInputAsync("merge-a-b", None));
    }

    [Fact]
    public async Task StartEpisodeAsync_EachCall_NumbersEpisodesAndMarksRunning()
    {
        await _journal.CreateIfAbsentAsync("Merge", "m-1", "{}", T0, None);

        var episodes = new[]
        {
            await _journal.StartEpisodeAsync("m-1", T0.AddSeconds(1), None),
            await _journal.StartEpisodeAsync("m-1", T0.AddSeconds(2), None),
            await _journal.StartEpisodeAsync("m-1", T0.AddSeconds(3), None),
        };

        Assert.Equal([1, 2, 3], episodes);
        var instance = await _journal.GetAsync("m-1", None);
        Assert.Equal(WorkflowStatus.Running, instance!.Status);
        Assert.Equal(T0.AddSeconds(3), instance.UpdatedAt);
        Assert.Equal([T0.AddSeconds(1), T0.AddSeconds(2), T0.AddSeconds(3)], (await _journal.GetHistoryAsync("m-1", None)).EpisodeStarts);
    }

    [Fact]
    public async Task RecordActivityAsync_SameSequenceTwice_KeepsTheFirstAndRecordingOrder()
    {
        await _journal.CreateIfAbsentAsync("Merge", "m-2", "{}", T0, None);

        await _journal.RecordActivityAsync("m-2", new ActivityRecord(2, "Load", 2, "\"two\"", null, 1), None);
        await _journal.RecordActivityAsync("m-2", new ActivityRecord(1, "Load", 2, null, "IOException: disk", 3), None);
        await _journal.RecordActivityAsync("m-2", new ActivityRecord(2, "Load", 3, "\"again\"", null, 5), None);

        var history = await _journal.GetHistoryAsync("m-2", None);
        Assert.Equal(
            [new ActivityRecord(2, "Load", 2, "\"two\"", null, 1), new ActivityRecord(1, "Load", 2, null, "IOException: disk", 3)],
            history.Activities);
    }

    [Fact]
    public async Task GetHistoryAsync_OtherInstances_AreNotMixedIn()
    {
        await _journal.CreateIfAbsentAsync("Merge", "m-3", "{}", T0, None);
        await _journal.CreateIfAbsentAsync("Merge", "m-4", "{}", T0, None);
        await _journal.StartEpisodeAsync("m-4", T0, None);
        await _journal.RecordActivityAsync("m-4", new ActivityRecord(0, "Load", 2, "1", null, 1), None);

        var history = await _journal.GetHistoryAsync("m-3", None);

        Assert.Empty(history.EpisodeStarts);
        Assert.Empty(history.Activities);
    }

    [Fact]
    public async Task GetUnfinishedAsync_MixedStatuses_ListsPendingAndRunningOldestFirst()
    {
        await _journal.CreateIfAbsentAsync("W", "late", "{}", T0.AddMinutes(2), None);
        await _journal.CreateIfAbsentAsync("W", "early", "{}", T0, None);
        await _journal.CreateIfAbsentAsync("W", "done", "{}", T0.AddMinutes(1), None);
        await _journal.CreateIfAbsentAsync("W", "broken", "{}", T0.AddMinutes(1), None);
        await _journal.StartEpisodeAsync("early", T0.AddMinutes(3), None);
        await _journal.FinishAsync("done", WorkflowStatus.Completed, "1", null, T0.AddMinutes(4), None);
        await _journal.FinishAsync("broken", WorkflowStatus.Failed, null, "boom", T0.AddMinutes(4), None);

        Assert.Equal(["early", "late"], await _journal.GetUnfinishedAsync(None));
        var done = await _journal.GetAsync("done", None);
        Assert.Equal((WorkflowStatus.Completed, "1", (string?)null, T0.AddMinutes(4)), (done!.Status, done.OutputJson, done.Error, done.UpdatedAt));
        var broken = await _journal.GetAsync("broken", None);
        Assert.Equal((WorkflowStatus.Failed, (string?)null, "boom"), (broken!.Status, broken.OutputJson, broken.Error));
    }

    [Fact]
    public async Task Reopen_SameDataDirectory_SeesEverythingRecorded()
    {
        await _journal.CreateIfAbsentAsync("Merge", "m-5", "{\"x\":1}", T0, None);
        await _journal.StartEpisodeAsync("m-5", T0, None);
        await _journal.RecordActivityAsync("m-5", new ActivityRecord(0, "Load", 2, "42", null, 2), None);

        using var reopened = new SqliteWorkflowJournal(_data.Path);

        Assert.Equal(Path.Combine(_data.Path, "workflows.db"), reopened.FilePath);
        Assert.Equal(WorkflowStatus.Running, (await reopened.GetAsync("m-5", None))!.Status);
        var history = await reopened.GetHistoryAsync("m-5", None);
        Assert.Equal([T0], history.EpisodeStarts);
        Assert.Equal([new ActivityRecord(0, "Load", 2, "42", null, 2)], history.Activities);
    }

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNull()
    {
        Assert.Null(await _journal.GetAsync("nobody", None));
    }
}
