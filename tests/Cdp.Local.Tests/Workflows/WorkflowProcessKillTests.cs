using System.Collections.Concurrent;
using System.Diagnostics;
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
        using (var first = Child.Start(data.Path))
        {
            // The first step and the fan-out are recorded; the blocking step is running.
            await first.WaitForLineAsync(WorkflowChildProcess.BlockingLine, ChildTimeout);
            killedPid = first.Pid;
            first.KillHard();
        }

        await File.WriteAllTextAsync(Path.Combine(data.Path, WorkflowChildProcess.ReleaseFile), "");
        int resumedPid;
        using (var second = Child.Start(data.Path))
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

    /// <summary>The test assembly run as a child process through its startup hook (see <see cref="WorkflowChildProcess"/>).</summary>
    private sealed class Child : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _output = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _awaited = new();

        private Child(Process process) => _process = process;

        public int Pid => _process.Id;

        public string Output => string.Join(Environment.NewLine, _output);

        public static Child Start(string dataDirectory)
        {
            var testAssembly = typeof(WorkflowChildProcess).Assembly.Location;
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = dataDirectory,
            };
            start.ArgumentList.Add(testAssembly);
            start.Environment["DOTNET_STARTUP_HOOKS"] = testAssembly;
            start.Environment[WorkflowChildProcess.DataDirectoryVariable] = dataDirectory;
            var child = new Child(Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet"));
            child._process.OutputDataReceived += (_, e) => child.Collect(e.Data);
            child._process.ErrorDataReceived += (_, e) => child.Collect(e.Data);
            child._process.BeginOutputReadLine();
            child._process.BeginErrorReadLine();
            return child;
        }

        public async Task WaitForLineAsync(string line, TimeSpan timeout)
        {
            var seen = _awaited.GetOrAdd(line, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (_output.Contains(line))
            {
                seen.TrySetResult();
            }

            var exited = _process.WaitForExitAsync();
            var first = await Task.WhenAny(seen.Task, exited).WaitAsync(timeout);
            if (first != seen.Task)
            {
                throw new InvalidOperationException($"the child exited before printing '{line}':{Environment.NewLine}{Output}");
            }
        }

        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the child did not finish within {timeout.TotalSeconds} s:{Environment.NewLine}{Output}");
            }

            return _process.ExitCode;
        }

        /// <summary>SIGKILL: no shutdown, no flushing, like a crash.</summary>
        public void KillHard()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
        }

        private void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }

            _output.Enqueue(line);
            if (_awaited.TryGetValue(line, out var waiter))
            {
                waiter.TrySetResult();
            }
        }
    }
}
