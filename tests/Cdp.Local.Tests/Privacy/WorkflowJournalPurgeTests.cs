using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using Cdp.Local.Tests.Infrastructure;
using Cdp.Local.Workflows;

namespace Cdp.Local.Tests.Privacy;

/// <summary>The journal's purge and checkpoint, which erasure relies on to leave no copy of its work behind.</summary>
public sealed class WorkflowJournalPurgeTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempDataDirectory _data = new();
    private readonly SqliteWorkflowJournal _journal;

    public WorkflowJournalPurgeTests() => _journal = new SqliteWorkflowJournal(_data.Path);

    public void Dispose()
    {
        _journal.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task PurgeAsync_FinishedInstance_GoneWithHistoryWhileUnfinishedStays()
    {
        await RunAsync("done", finish: true);
        await RunAsync("running", finish: false);

        Assert.Equal(["done"], await _journal.GetFinishedAsync(["Erase"], None));
        Assert.True(await _journal.PurgeAsync("done", None));
        Assert.False(await _journal.PurgeAsync("running", None));
        Assert.False(await _journal.PurgeAsync("done", None));

        Assert.Null(await _journal.GetAsync("done", None));
        Assert.Equal(WorkflowHistory.Empty.Activities, (await _journal.GetHistoryAsync("done", None)).Activities);
        Assert.Empty((await _journal.GetHistoryAsync("done", None)).EpisodeStarts);
        Assert.Single((await _journal.GetHistoryAsync("running", None)).Activities);
        Assert.Equal(["running"], await _journal.GetUnfinishedAsync(None));
    }

    [Fact]
    public async Task CheckpointAsync_AfterPurge_TruncatesTheWriteAheadLogAndDropsTheBytes()
    {
        await RunAsync("secret-instance", finish: true);
        await _journal.PurgeAsync("secret-instance", None);

        Assert.True(await _journal.CheckpointAsync(None));

        Assert.Equal(0, new FileInfo(_journal.FilePath + "-wal").Length);
        Assert.Empty(DataDirectoryScan.Find(_data.Path, ["secret-instance", "secret-result"]));
    }

    private async Task RunAsync(string id, bool finish)
    {
        await _journal.CreateIfAbsentAsync("Erase", id, "{\"requestId\":\"r\"}", T0, None);
        var episode = await _journal.StartEpisodeAsync(id, T0, None);
        await _journal.RecordActivityAsync(id, new ActivityRecord(0, "Step", episode + 1, "\"secret-result\"", null, 1), None);
        if (finish)
        {
            await _journal.FinishAsync(id, WorkflowStatus.Completed, "{}", null, T0, None);
        }
    }
}
