using System.Diagnostics;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Functional;

/// <summary>The unchanged Segment Node SDK, pointed at the host, works: the wire format and auth are Segment's.</summary>
public sealed class SegmentSdkTests
{
    private const string Key = "segment-sdk-test-key";

    [Fact]
    public async Task AnalyticsNode_IdentifyPageTrack_ProfileShowsTraitsAndCounts()
    {
        await EnsureNodeModulesAsync();
        using var data = new TempDataDirectory();
        await using var host = await ChildHost.StartAsync(data.Path, $"--Cdp:Local:DefaultWriteKey={Key}");

        var (exitCode, output) = await RunAsync("node", RepoPaths.Root, Path.Combine("tests", "node", "segment-sdk.mjs"), host.Url, Key, "sdk-user-1", "Sdk.User@Example.com");

        Assert.True(exitCode == 0, "segment-sdk.mjs failed: " + output);
        Assert.Contains("/v1/batch -> 200", output, StringComparison.Ordinal);
        var client = host.Client(Key);
        var profile = await client.WaitForProfileAsync("email", "sdk.user@example.com", p => p.EventCount() >= 3);
        Assert.Equal(profile.Id(), (await client.FindProfileAsync("userId", "sdk-user-1"))!.Id());
        Assert.Equal("Sdk Tester", profile.Trait("name"));
        Assert.Equal("pro", profile.Trait("plan"));
        Assert.Equal(1, profile.CountOf("identify"));
        Assert.Equal(1, profile.CountOf("page"));
        Assert.Equal(1, profile.CountOf("Plan Upgraded"));
        Assert.Equal(3, profile.EventCount());
    }

    /// <summary>The test installs the SDK itself (npm ci from the committed lock file) when test.sh has not.</summary>
    private static async Task EnsureNodeModulesAsync()
    {
        if (Directory.Exists(Path.Combine(RepoPaths.NodeTools, "node_modules", "@segment", "analytics-node")))
        {
            return;
        }

        var (exitCode, output) = await RunAsync("npm", RepoPaths.Root, "ci", "--prefix", Path.Combine("tests", "node"), "--no-audit", "--no-fund");
        Assert.True(exitCode == 0, "npm ci --prefix tests/node failed: " + output);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in 3 minutes");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
