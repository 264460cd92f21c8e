using System.Text.RegularExpressions;
using Cdp.Local.Demo;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Demo;

/// <summary>The demo command end to end, in process, on a temporary data directory and a free port, with --exit.</summary>
public sealed partial class DemoCommandTests
{
    private const int Seed = 42;
    private const int People = 80;

    [Fact]
    public async Task Demo_WithExit_FillsSegmentsSendsVerifiedWebhooksOnlyWithConsentAndWritesTheCsv()
    {
        using var temp = new TempDataDirectory();
        var data = Path.Combine(temp.Path, "demo");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await DemoCommand.RunAsync(
                ["--exit", "--seed", "42", "--people", "80", "--data", data, "--urls", "http://127.0.0.1:0"], output, error, CancellationToken.None)
            .WaitAsync(TimeSpan.FromMinutes(6));

        var text = output.ToString();
        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{error}{Environment.NewLine}{text}");
        var finalCounts = MemberCount().Matches(text).GroupBy(m => m.Groups["key"].Value).ToDictionary(g => g.Key, g => int.Parse(g.Last().Groups["count"].Value));
        Assert.All(DemoSetup.Segments, s => Assert.True(finalCounts.GetValueOrDefault(s.Key) > 0, $"{s.Key} has no members:{Environment.NewLine}{text}"));

        var entered = Entered().Matches(text).Select(m => m.Groups["user"].Value).ToHashSet();
        var people = DemoPopulation.Generate(Seed, People, DateTimeOffset.UnixEpoch).People.ToDictionary(p => p.UserId);
        Assert.Contains(entered, u => people.TryGetValue(u, out var p) && p.Marketing);
        Assert.DoesNotContain(entered, u => people.TryGetValue(u, out var p) && !p.Marketing);
        Assert.Matches(@"[1-9]\d* members held back \(marketing not granted\)", text);
        Assert.DoesNotContain("REJECTED", text, StringComparison.Ordinal);

        // Change files (entries and exits as they happen); the refresh also writes full member files beside them.
        var csv = Directory.GetFiles(Path.Combine(data, "exports", "destinations", DemoSetup.FileDestination, "changes"), "*.csv", SearchOption.AllDirectories);
        Assert.NotEmpty(csv);
        Assert.StartsWith("event,audience_key,message_id,timestamp", File.ReadLines(csv[0]).First(), StringComparison.Ordinal);

        // Personal data never reaches the console: the made-up emails are only inside the events sent.
        Assert.DoesNotContain("@example.com", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_DataDirectoryWithOtherFiles_Exit2AndLeavesThemAlone()
    {
        using var temp = new TempDataDirectory();
        var precious = Path.Combine(temp.Path, "precious.db");
        await File.WriteAllTextAsync(precious, "keep me");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await DemoCommand.RunAsync(["--exit", "--data", temp.Path, "--urls", "http://127.0.0.1:0"], output, error, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.Contains("choose another --data", error.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(precious));
    }

    [Theory]
    [InlineData("--people", "0")]
    [InlineData("--seed", "x")]
    [InlineData("--urls", "https://127.0.0.1:1")]
    [InlineData("--bogus", "1")]
    public void TryParse_BadArgument_SaysWhich(string name, string value)
    {
        Assert.False(DemoArguments.TryParse([name, value], out _, out var problem));
        Assert.Contains(name == "--bogus" ? "--bogus" : name.TrimStart('-'), problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_SettingsAndOptions_SplitBetweenDemoAndHost()
    {
        Assert.True(DemoArguments.TryParse(["--seed=7", "--exit", "--Cdp:Local:Synchronous=Normal", "--data", "d"], out var arguments, out _));

        Assert.Equal((7, 200, "d", true), (arguments.Seed, arguments.People, arguments.DataDirectory, arguments.Exit));
        Assert.Equal(["--Cdp:Local:Synchronous=Normal"], arguments.Settings);
    }

    [GeneratedRegex(@"^\s+(?<key>[a-z-]+)\s+(?<count>\d+) members", RegexOptions.Multiline)]
    private static partial Regex MemberCount();

    [GeneratedRegex(@"^webhook  Audience Entered\s+\S+\s+(?<user>user-\d{4})\s", RegexOptions.Multiline)]
    private static partial Regex Entered();
}
