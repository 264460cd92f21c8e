using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cdp.Core.Processing;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Tests.InMemory;

namespace Cdp.Functions.Tests.Parity;

/// <summary>
/// A segment defined and filled the same way on both hosts reads the same: the definition, its count, its members and a
/// profile's standing. Times (each host's clock) and continuation tokens (each store's own) are the only generated parts;
/// everything else must match byte for byte.
/// </summary>
public sealed partial class SegmentParityTests : IDisposable
{
    private const string Key = "pro-marketable";

    private static readonly ParityRequest Define = new("PUT", $"/api/segments/{Key}", Encoding.UTF8.GetBytes("""
        {"name":"Pro, marketable","definition":{"all":[{"trait":"plan","op":"eq","value":"pro"},{"consent":"marketing"},
         {"event":"Order Completed","within":"P30D","where":[{"property":"revenue","op":"gte","value":10}]}]}}
        """));

    private readonly ParityHosts _hosts = new();

    public static TheoryData<string> Reads => new(
        $"/api/segments/{Key}",
        "/api/segments",
        $"/api/segments/{Key}/members",
        "/api/profiles/{id}/segments");

    [Fact]
    public async Task Define_BothHosts_Same201AndSegment()
    {
        var local = await _hosts.LocalAsync(Define);
        var azure = (await _hosts.FunctionsAsync(Define))!;

        Assert.Equal((201, 201), (local.Status, azure.Status));
        Assert.Equal(Normalize(local.Body), Normalize(azure.Body));
    }

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task SameDefinitionAndEvents_BothHosts_SameSegmentAnswers(string path)
    {
        await DefineAndFillAsync();
        var read = new ParityRequest("GET", path.Replace("{id}", await ProfileIdAsync("ann-1"), StringComparison.Ordinal));

        var local = await _hosts.LocalAsync(read);
        var azure = (await _hosts.FunctionsAsync(read))!;

        Assert.Equal(200, local.Status);
        Assert.Equal(local.Status, azure.Status);
        Assert.Equal(Normalize(local.Body), Normalize(azure.Body));
    }

    /// <summary>Continuation tokens are each store's own (opaque to clients); the pages they lead to must match.</summary>
    [Fact]
    public async Task MembersPagedByOne_BothHosts_SamePagesInTheSameOrder()
    {
        await DefineAndFillAsync();
        string? localToken = null, azureToken = null;
        var pages = 0;
        do
        {
            var local = await _hosts.LocalAsync(MembersPage(localToken));
            var azure = (await _hosts.FunctionsAsync(MembersPage(azureToken)))!;
            Assert.Equal((200, 200), (local.Status, azure.Status));
            Assert.Equal(Normalize(local.Body), Normalize(azure.Body));
            localToken = Continuation(local.Body);
            azureToken = Continuation(azure.Body);
            pages++;
        }
        while (localToken is not null && pages < 5);

        Assert.Equal(2, pages);
        Assert.Null(azureToken);
    }

    /// <summary>A preview samples in each store's scan order, so the sample is compared as a set.</summary>
    [Fact]
    public async Task Preview_BothHosts_SameCountAndSampledProfiles()
    {
        await DefineAndFillAsync();
        var preview = new ParityRequest("POST", "/api/segments/preview", Encoding.UTF8.GetBytes("""{"definition":{"trait":"plan","op":"eq","value":"pro"}}"""));

        var local = await _hosts.LocalAsync(preview);
        var azure = (await _hosts.FunctionsAsync(preview))!;

        Assert.Equal((200, 200), (local.Status, azure.Status));
        Assert.Equal(3, Json(local.Body).GetProperty("count").GetInt64());
        Assert.Equal(Json(local.Body).GetProperty("count").GetInt64(), Json(azure.Body).GetProperty("count").GetInt64());
        Assert.Equal(Sample(local.Body), Sample(azure.Body));
    }

    public void Dispose() => _hosts.Dispose();

    /// <summary>
    /// The segment on both hosts and the same batch sent to both: three pro customers who agreed to marketing, of whom two
    /// ordered for 10 or more (members) and one for less.
    /// </summary>
    private async Task DefineAndFillAsync()
    {
        Assert.Equal(201, (await _hosts.LocalAsync(Define)).Status);
        Assert.Equal(201, (await _hosts.FunctionsAsync(Define))!.Status);
        var batch = new ParityRequest("POST", "/v1/batch", Encoding.UTF8.GetBytes("""
            {"batch":[
              {"type":"identify","userId":"ann-1","messageId":"m-1","traits":{"plan":"pro"},"context":{"consent":{"categoryPreferences":{"marketing":true}}}},
              {"type":"track","userId":"ann-1","messageId":"m-2","event":"Order Completed","properties":{"revenue":12.5}},
              {"type":"identify","userId":"bob-2","messageId":"m-3","traits":{"plan":"pro"},"context":{"consent":{"categoryPreferences":{"marketing":true}}}},
              {"type":"track","userId":"bob-2","messageId":"m-4","event":"Order Completed","properties":{"revenue":5}},
              {"type":"identify","userId":"cy-3","messageId":"m-5","traits":{"plan":"pro"},"context":{"consent":{"categoryPreferences":{"marketing":true}}}},
              {"type":"track","userId":"cy-3","messageId":"m-6","event":"Order Completed","properties":{"revenue":99}}]}
            """)) { Headers = new() { ["Authorization"] = FunctionsHarness.Basic(FunctionsHarness.WriteKey) } };
        Assert.Equal(200, (await _hosts.LocalAsync(batch)).Status);
        Assert.Equal(200, (await _hosts.FunctionsAsync(batch))!.Status);
        await ProcessFunctionsQueueAsync();
        await WaitForLocalMembersAsync(2);
    }

    private static ParityRequest MembersPage(string? continuation) =>
        new("GET", $"/api/segments/{Key}/members?pageSize=1" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));

    private static string? Continuation(string body) => Json(body).TryGetProperty("continuation", out var token) ? token.GetString() : null;

    private static string[] Sample(string body) => [.. Json(body).GetProperty("sample").EnumerateArray().Select(s => s.GetString()!).Order(StringComparer.Ordinal)];

    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement;

    /// <summary>What the Event Hubs function would do with the queued events.</summary>
    private async Task ProcessFunctionsQueueAsync()
    {
        var harness = _hosts.Functions;
        await harness.Get<EventProcessor>().ProcessAsync(harness.Queue.Take(), new InMemoryMergeScheduler(), CancellationToken.None);
    }

    /// <summary>The local outbox processes in the background: poll (bounded) until the members index holds them all.</summary>
    private async Task WaitForLocalMembersAsync(int count)
    {
        var members = new ParityRequest("GET", $"/api/segments/{Key}/members");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = await _hosts.LocalAsync(members);
            if (answer.Status == 200 && Json(answer.Body).GetProperty("members").GetArrayLength() == count)
            {
                return;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the local host did not process the batch within 20 s: " + answer.Body);
            await Task.Delay(50);
        }
    }

    /// <summary>The profile id of a user on both hosts; ids are derived alike, so they must agree.</summary>
    private async Task<string> ProfileIdAsync(string userId)
    {
        var lookup = new ParityRequest("GET", $"/api/profiles?identifierType=userId&value={userId}");
        var local = Id((await _hosts.LocalAsync(lookup)).Body);
        Assert.Equal(local, Id((await _hosts.FunctionsAsync(lookup))!.Body));
        return local;
    }

    private static string Id(string profileJson) => Json(profileJson).GetProperty("id").GetString()!;

    private static string Normalize(string json) => Token().Replace(Timestamp().Replace(json, "<time>"), "\"continuation\":\"<token>\"");

    [GeneratedRegex("\"continuation\":\"[^\"]*\"")]
    private static partial Regex Token();

    [GeneratedRegex("""\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})""")]
    private static partial Regex Timestamp();
}
