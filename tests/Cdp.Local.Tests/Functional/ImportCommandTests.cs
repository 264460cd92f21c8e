using Cdp.Local.Import;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Functional;

/// <summary>The import command against a real data directory; a host opened afterwards (processing off) shows what it did.</summary>
public sealed class ImportCommandTests
{
    [Fact]
    public async Task Import_Ndjson_AcceptsValidLinesReportsBadOnesByLineAndProcessesThem()
    {
        using var data = new TempDataDirectory();
        var file = Path.Combine(data.Path, "events.ndjson");
        await File.WriteAllLinesAsync(file,
        [
            """{"type":"identify","userId":"nd-1","traits":{"email":"nd1@example.com","tier":"gold"}}""",
            """{"type":"track","userId":"nd-1","event":"Order Completed","properties":{"revenue":30}}""",
            "",
            """{"type":"track","userId":"nd-1","event":"Order Completed" """,
            """{"type":"page","name":"No One"}""",
            """{"type":"identify","userId":"nd-2","traits":{"email":"nd2@example.com"}}""",
            """[1,2,3]""",
        ]);

        var (exitCode, output) = await ImportAsync(file, data.Path);

        Assert.Equal(0, exitCode);
        Assert.Contains("6 records, 3 accepted, 3 rejected", output, StringComparison.Ordinal);
        Assert.Contains("line 4: malformed JSON", output, StringComparison.Ordinal);
        Assert.Contains("line 5: userId or anonymousId is required", output, StringComparison.Ordinal);
        Assert.Contains("line 7: line must be one JSON object", output, StringComparison.Ordinal);
        Assert.Contains("3 events applied to profiles", output, StringComparison.Ordinal);

        var client = OpenIngestOnly(data.Path, out var host);
        using (host)
        {
            var first = await client.FindProfileAsync("email", "nd1@example.com");
            Assert.NotNull(first);
            Assert.Equal("gold", first.Trait("tier"));
            Assert.Equal(1, first.CountOf("Order Completed"));
            Assert.NotNull(await client.FindProfileAsync("userId", "nd-2"));
            Assert.Equal(0, await client.OutboxCountAsync());
        }
    }

    [Fact]
    public async Task Import_CsvTwice_RowsBecomeTraitsAndSecondRunCountsNothingAgain()
    {
        using var data = new TempDataDirectory();
        var file = Path.Combine(data.Path, "crm.csv");
        await File.WriteAllTextAsync(file, """
            userId,email,phone,loyaltyTier,timestamp
            crm-1,Ann@Example.com,+1 415 555 2671,platinum,2024-03-01T09:00:00Z
            crm-2,bob@example.com,,silver,
            ,,,orphan,
            crm-3,carl@example.com,,bronze,not-a-date
            """);

        var (exitCode, output) = await ImportAsync(file, data.Path);

        Assert.Equal(0, exitCode);
        Assert.Contains("4 records, 2 accepted, 2 rejected", output, StringComparison.Ordinal);
        Assert.Contains("line 4: userId or anonymousId is required", output, StringComparison.Ordinal);
        Assert.Contains("line 5: timestamp", output, StringComparison.Ordinal);

        var (againCode, again) = await ImportAsync(file, data.Path);
        Assert.Equal(0, againCode);
        Assert.Contains("0 events applied to profiles (2 duplicates skipped)", again, StringComparison.Ordinal);

        var client = OpenIngestOnly(data.Path, out var host);
        using (host)
        {
            var ann = await client.FindProfileAsync("phone", "+14155552671");
            Assert.NotNull(ann);
            Assert.Equal("platinum", ann.Trait("loyaltyTier"));
            Assert.Equal("Ann@Example.com", ann.Trait("email"));
            Assert.Equal(1, ann.EventCount());
            var bob = await client.FindProfileAsync("email", "bob@example.com");
            Assert.NotNull(bob);
            Assert.Null(bob.Trait("phone"));
        }
    }

    [Fact]
    public async Task Import_WithUnknownWriteKey_Exit2()
    {
        using var data = new TempDataDirectory();
        var file = Path.Combine(data.Path, "one.ndjson");
        await File.WriteAllTextAsync(file, """{"type":"identify","userId":"k-1"}""");

        var (exitCode, output) = await ImportAsync(file, data.Path, "--write-key", "no-such-key");

        Assert.Equal(2, exitCode);
        Assert.Contains("unknown write key", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_MissingFile_Exit1NamingTheFile()
    {
        using var data = new TempDataDirectory();
        var missing = Path.Combine(data.Path, "missing.csv");

        var (exitCode, output) = await ImportAsync(missing, data.Path);

        Assert.Equal(1, exitCode);
        Assert.Contains("cannot read " + missing, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data.txt", new string[0], "--format")]
    [InlineData("data.csv", new[] { "--format", "xml" }, "xml")]
    public async Task Import_UnknownFormat_Exit2WithUsage(string name, string[] extra, string problem)
    {
        using var data = new TempDataDirectory();
        var file = Path.Combine(data.Path, name);
        await File.WriteAllTextAsync(file, "x");

        var (exitCode, output) = await ImportAsync(file, data.Path, extra);

        Assert.Equal(2, exitCode);
        Assert.Contains(problem, output, StringComparison.Ordinal);
        Assert.Contains("usage: import", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> ImportAsync(string file, string dataDirectory, params string[] extra)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await ImportCommand.RunAsync([file, $"--Cdp:Local:DataDirectory={dataDirectory}", .. extra], output, error);
        return (exitCode, output + error.ToString());
    }

    private static CdpClient OpenIngestOnly(string dataDirectory, out LocalHostFactory host)
    {
        host = new LocalHostFactory(dataDirectory, ("Cdp:Local:Processing:Enabled", "false"));
        return host.CreateCdpClient();
    }
}
