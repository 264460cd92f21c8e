using System.Net;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Audiences;

/// <summary>
/// A file destination gets a segment's full member file on demand and from every refresh, in the exports area, with
/// the consenting members only and the mapped fields; each row is recorded as lineage.
/// </summary>
[Collection(AudienceTests.Name)]
public sealed class AudienceFileTests
{
    private const string Pro = """{"trait":"plan","op":"eq","value":"pro"}""";

    private static IEnumerable<(string Key, string Value)> FileDestination =>
    [
        ("Cdp:Destinations:warehouse:Type", "file"),
        ("Cdp:Destinations:warehouse:Format", "csv"),
        ("Cdp:Destinations:warehouse:Purposes:0", "marketing"),
        ("Cdp:Destinations:warehouse:Mapping:user", "identifiers.userId"),
        ("Cdp:Destinations:warehouse:Mapping:plan", "traits.plan"),
    ];

    [Fact]
    public async Task PostFiles_SegmentListingTheDestination_WritesTheConsentingMembersAndTheRefreshWritesAnother()
    {
        await using var host = AudienceHost.Start(FileDestination);
        await host.PutSegmentAsync("pro", Pro, "warehouse");
        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("ada", "ada-1", plan: "pro", marketing: true));
        await host.IngestAsync("/v1/identify", AudienceCalls.Identify("ben", "ben-1", plan: "pro", marketing: false));
        await Poll.UntilAsync(() => host.MembersAsync("pro"), m => m.Count == 2, "both pro members listed");

        var written = await host.SendAsync(HttpMethod.Post, "/api/destinations/warehouse/files?segment=pro");

        Assert.True(written.Status == HttpStatusCode.Created, written.ToString());
        Assert.Equal(1, written.Json!["members"]!.GetValue<int>());
        var path = Path.Combine(host.DataDirectory, "exports", written.Json["path"]!.GetValue<string>());
        var rows = await File.ReadAllLinesAsync(path);
        Assert.Equal("plan,user", rows[0]);
        Assert.Equal(["pro,ada"], rows[1..]);
        var ada = (await host.Client.GetAsync("/api/profiles?identifierType=userId&value=ada")).Json!["id"]!.GetValue<string>();
        var ben = (await host.Client.GetAsync("/api/profiles?identifierType=userId&value=ben")).Json!["id"]!.GetValue<string>();
        Assert.Equal(["warehouse"], (await host.LineageAsync(ada)).Select(l => l!["destination"]!.GetValue<string>()).Distinct());
        Assert.Empty(await host.LineageAsync(ben));

        // Files are named by the second they were written: remove this one, so the one found next is the refresh's.
        File.Delete(path);
        await host.RefreshAsync();
        var refreshed = (await Poll.UntilAsync(() => Task.FromResult(MemberFiles(host)), f => f.Length == 1, "the refresh's member file")).Single();
        Assert.Equal(["plan,user", "pro,ada"], await File.ReadAllLinesAsync(refreshed));
    }

    [Theory]
    [InlineData("/api/destinations/nowhere/files?segment=pro", HttpStatusCode.NotFound)]
    [InlineData("/api/destinations/warehouse/files", HttpStatusCode.BadRequest)]
    [InlineData("/api/destinations/warehouse/files?segment=missing", HttpStatusCode.NotFound)]
    [InlineData("/api/destinations/warehouse/files?segment=other", HttpStatusCode.BadRequest)]
    public async Task PostFiles_WrongDestinationOrSegment_AnswersWhatIsWrongAndWritesNothing(string path, HttpStatusCode expected)
    {
        await using var host = AudienceHost.Start(FileDestination);
        await host.PutSegmentAsync("pro", Pro, "warehouse");
        await host.PutSegmentAsync("other", Pro);

        var answer = await host.SendAsync(HttpMethod.Post, path);

        Assert.True(answer.Status == expected, answer.ToString());
        Assert.False(string.IsNullOrEmpty(answer.Json!["error"]!.GetValue<string>()));
        Assert.Empty(MemberFiles(host));
    }

    private static string[] MemberFiles(AudienceHost host)
    {
        var folder = Path.Combine(host.DataDirectory, "exports", "destinations", "warehouse", "members");
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories) : [];
    }
}
