using System.Collections.Concurrent;
using System.Diagnostics;

namespace Cdp.Local.Tests.Infrastructure;

/// <summary>
/// This test assembly run as a separate process, <c>dotnet Cdp.Local.Tests.dll</c>, with the startup hook
/// (see <c>StartupHook</c>) choosing what it runs from the environment variables given. Its output is collected, so a
/// test can wait for a line it prints and show everything it printed when something goes wrong.
/// </summary>
internal sealed class TestAssemblyChild : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _awaited = new();

    private TestAssemblyChild(Process process) => _process = process;

    public int Pid => _process.Id;

    public string Output => string.Join(Environment.NewLine, _output);

    public static TestAssemblyChild Start(string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var testAssembly = typeof(TestAssemblyChild).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(testAssembly);
        start.Environment["DOTNET_STARTUP_HOOKS"] = testAssembly;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var child = new TestAssemblyChild(Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet"));
        child._process.OutputDataReceived += (_, e) => child.Collect(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.Collect(e.Data);
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Completes once the child printed <paramref name="line"/>; fails if it exits first or the bound passes.</summary>
    public async Task WaitForLineAsync(string line, TimeSpan timeout)
    {
        var seen = _awaited.GetOrAdd(line, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_output.Contains(line))
        {
            seen.TrySetResult();
        }

        Task first;
        try
        {
            first = await Task.WhenAny(seen.Task, _process.WaitForExitAsync()).WaitAsync(timeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"the child did not print '{line}' within {timeout.TotalSeconds} s:{Environment.NewLine}{Output}", ex);
        }

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

    /// <summary>SIGKILL on Linux: no shutdown, no flushing, like a crash or <c>kill -9</c>.</summary>
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
