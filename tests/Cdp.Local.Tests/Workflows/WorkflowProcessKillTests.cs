using Cdp.Core.Workflows;
using Cdp.Local.Tests.Infrastructure;
using Cdp.Local.Workflows;

namespace Cdp.Local.Tests.Workflows;

public sealed class WorkflowProcessKillTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_ProcessKilledMidWorkflow_NextProcessFinishesItWithEachEffectOnce()
    {
        using var data = new TempDataDirectory();

        int killedPid;
        using (var first = StartChild(data.Path))
        {
            // The first step and the fan-out are recorded; the blocking step is running.
            await first.WaitForLineAsync(WorkflowChildProcess.BlockingLine, ChildTimeout);
            killedPid = first.Pid;
            first.KillHard();
        }

        await File.WriteAllTextAsync(Path.Combine(data.Path, WorkflowChildProcess.ReleaseFile), "");
        int resumedPid;
        using (var second = StartChild(data.Path))
        {
            resumedPid = second.Pid;
            Assert.True(0 == await second.WaitForExitAsync(ChildTimeout), second.Output);
        }

        using var journal = new SqliteWorkflowJournal(data.Path);
        var instance = await journal.GetAsync(WorkflowChildProcess.InstanceId, CancellationToken.None);
        Assert.Equal(WorkflowStatus.Completed, instance!.Status);
        Assert.Equal(["FIRST", "FAN-0", "FAN-1", "FAN-2", "BLOCK", "LAST"], instance.ReadOutput<List<string>>());
        var history = await journal.GetHistoryAsync(WorkflowChildProcess.InstanceId, CancellationToken.None);
        Assert.Equal([0, 1, 2, 3, 4, 5], history.Activities.Select(a => a.Sequence).Order());

        var effects = await File.ReadAllLinesAsync(Path.Combine(data.Path, WorkflowChildProcess.EffectsFile));
        Assert.Equal(["block", "fan-0", "fan-1", "fan-2", "first", "last"], effects.Order());

        // Recorded calls ran once, in the killed process; the one cut off ran in both; the rest only after the restart.
        var executions = (await File.ReadAllLinesAsync(Path.Combine(data.Path, WorkflowChildProcess.ExecutionsFile)))
            .Select(line => line.Split(' ')).Select(p => (Key: p[0], Pid: int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(
            [("block", killedPid), ("block", resumedPid), ("fan-0", killedPid), ("fan-1", killedPid), ("fan-2", killedPid), ("first", killedPid), ("last", resumedPid)],
            executions.Order());
    }

    private static TestAssemblyChild StartChild(string dataDirectory) =>
        TestAssemblyChild.Start(dataDirectory, new Dictionary<string, string> { [WorkflowChildProcess.DataDirectoryVariable] = dataDirectory });
}
