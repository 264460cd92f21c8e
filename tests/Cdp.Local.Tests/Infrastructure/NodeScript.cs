using System.Collections.Concurrent;
using System.Diagnostics;

namespace Cdp.Local.Tests.Infrastructure;

/// <summary>
/// A script of tests/node run with <c>node</c>, as the real SDKs it drives run in an application. Its output is
/// collected line by line while it runs, so a test can act on what the SDK has done so far.
/// </summary>
internal sealed class NodeScript : IAsyncDisposable
{
    private static readonly Lazy<Task> NodeModules = new(InstallNodeModulesAsync);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private NodeScript(Process process) => _process = process;

    public string Output => string.Join(Environment.NewLine, _output);

    public IEnumerable<string> Lines => _output;

    public static NodeScript Start(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine("tests", "node", script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var run = new NodeScript(process);
        process.OutputDataReceived += (_, e) => run.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => run.Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Runs the script to its end (bounded) and returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string script, params string[] arguments)
    {
        await using var run = Start(script, arguments);
        var exitCode = await run.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (exitCode, run.Output);
    }

    /// <summary>
    /// The SDKs the scripts drive, installed once per test run with <c>npm ci</c> from the committed lock file when
    /// test.sh has not done it already.
    /// </summary>
    public static Task EnsureNodeModulesAsync() => NodeModules.Value;

    /// <summary>The first line printed so far or within <paramref name="timeout"/> that satisfies <paramref name="match"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan timeout)
    {
        string? Probe()
        {
            var found = _output.FirstOrDefault(match);
            if (found is not null || !_process.HasExited)
            {
                return found;
            }

            // Exited: the parameterless wait returns once the redirected output has been read to its end.
            _process.WaitForExit();
            return _output.FirstOrDefault(match)
                ?? throw new InvalidOperationException($"node exited with code {_process.ExitCode} before {what}:{Environment.NewLine}{Output}");
        }

        var line = await Poll.UntilAsync(() => Task.FromResult(Probe()), found => found is not null, what, timeout);
        return line!;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node did not finish in {timeout.TotalSeconds} s:{Environment.NewLine}{Output}");
        }

        // The parameterless wait returns once the redirected output has been read to its end.
        await _process.WaitForExitAsync(CancellationToken.None);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private static async Task InstallNodeModulesAsync()
    {
        string[] packages = ["@segment/analytics-node", "@segment/analytics-next", "@rudderstack/rudder-sdk-node", "puppeteer-core"];
        if (packages.All(p => File.Exists(Path.Combine(RepoPaths.NodeTools, "node_modules", p, "package.json"))))
        {
            return;
        }

        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["ci", "--prefix", Path.Combine("tests", "node"), "--no-audit", "--no-fund"])
        {
            start.ArgumentList.Add(argument);
        }

        using var npm = Process.Start(start) ?? throw new InvalidOperationException("could not start npm");
        var stdout = npm.StandardOutput.ReadToEndAsync();
        var stderr = npm.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await npm.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            npm.Kill(entireProcessTree: true);
            throw new TimeoutException("npm ci --prefix tests/node did not finish in 5 minutes");
        }

        Assert.True(npm.ExitCode == 0, "npm ci --prefix tests/node failed: " + await stdout + await stderr);
    }
}
