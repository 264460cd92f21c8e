using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Functional;

public sealed partial class StartupTests
{
    [Theory]
    [InlineData("Cdp:Local:Processing:MaxBatchSize", "0")]
    [InlineData("Cdp:Local:Processing:LingerMilliseconds", "5000")]
    [InlineData("Cdp:Identity:Pepper", "too-short")]
    [InlineData("Cdp:Local:DefaultWriteKey", "has:colon")]
    [InlineData("Cdp:Local:DataDirectory", "")]
    [InlineData("Cdp:Local:DefaultSource:AllowedOrigins:0", "https://shop.example/checkout")]
    [InlineData("Cdp:PublicUrl", "ftp://cdp.example.com")]
    [InlineData("Cdp:Local:Ingestion:MaxQueueDepth", "0")]
    public async Task Start_BadSetting_ExitsNamingTheSetting(string setting, string value)
    {
        // A real process, as an operator starts it: start-up must stop, and say which setting is wrong.
        using var data = new TempDataDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = data.Path,
        };
        foreach (var argument in new[] { RepoPaths.HostDll, "--urls", "http://127.0.0.1:0", $"--Cdp:Local:DataDirectory={data.Path}", $"--{setting}={value}" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the host kept running with {setting}={value}");
        }

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(setting, await output + await error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithoutPepperSetting_GeneratesOwnerOnlyPepperOnceAndReusesIt()
    {
        using var data = new TempDataDirectory();
        var pepperFile = Path.Combine(data.Path, "pepper.key");
        using (var first = new LocalHostFactory(data.Path))
        {
            var client = first.CreateCdpClient();
            await client.PostAsync("/v1/identify", """{"userId":"pepper-1","traits":{"email":"pepper@example.com"}}""");
            await client.WaitForProfileAsync("email", "pepper@example.com");
        }

        var pepper = await File.ReadAllTextAsync(pepperFile);
        Assert.True(pepper.Trim().Length >= 32);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pepperFile));
        }

        // Same pepper after a restart, so identifiers hash as before and the look-up still finds the profile.
        using var second = new LocalHostFactory(data.Path);
        var again = second.CreateCdpClient();
        Assert.NotNull(await again.FindProfileAsync("email", "pepper@example.com"));
        Assert.Equal(pepper, await File.ReadAllTextAsync(pepperFile));
    }

    [Fact]
    public async Task Start_FirstTimeWithoutConfiguredKey_PrintsWorkingWriteKeyOnceThenSaysSourceExists()
    {
        using var data = new TempDataDirectory();
        string key;
        await using (var first = await ChildHost.StartAsync(data.Path))
        {
            var line = await Poll.UntilAsync(() => Task.FromResult(first.Output), o => o.Contains("Default write key:", StringComparison.Ordinal), "the write key line");
            key = WriteKeyLine().Match(line).Groups[1].Value;
            Assert.Contains($"curl -u {key}: {first.Url}/v1/identify", line, StringComparison.Ordinal);

            var response = await first.Client(key).PostAsync("/v1/identify", """{"userId":"printed-key"}""");
            Assert.Equal(HttpStatusCode.OK, response.Status);
        }

        await using var second = await ChildHost.StartAsync(data.Path);
        var output = await Poll.UntilAsync(() => Task.FromResult(second.Output), o => o.Contains("default source exists", StringComparison.Ordinal), "the existing-source line");
        Assert.DoesNotContain(key, output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await second.Client(key).PostAsync("/v1/track", """{"userId":"printed-key","event":"Again"}""")).Status);
    }

    [GeneratedRegex("Default write key: (\\S+)")]
    private static partial Regex WriteKeyLine();
}
