using System.Text;
using System.Text.RegularExpressions;
using Cdp.Core.Ingestion;
using Cdp.Core.Processing;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Tests.InMemory;

namespace Cdp.Functions.Tests.Parity;

/// <summary>
/// The same events sent to both hosts give the same profile answers. Times (each host's clock) and the source id (the
/// local default source names itself) are the only generated parts; everything else must match byte for byte.
/// </summary>
public sealed partial class ProfileParityTests : IDisposable
{
    private readonly ParityHosts _hosts = new();

    public static TheoryData<string> Reads => new(
        "/api/profiles?identifierType=email&value=ANN@example.com",
        "/api/profiles?identifierType=userId&value=ann-1",
        "/api/profiles/{id}",
        "/api/profiles/{id}/events?pageSize=2",
        "/api/profiles/{id}/history",
        "/api/profiles/{id}/consent");

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task SameEvents_BothHosts_SameProfileAnswers(string path)
    {
        var batch = new ParityRequest("POST", "/v1/batch", Encoding.UTF8.GetBytes("""
            {"batch":[
              {"type":"identify","userId":"ann-1","messageId":"m-1","traits":{"email":"Ann@Example.com","plan":"pro"},
               "context":{"consent":{"categoryPreferences":{"marketing":true}}}},
              {"type":"track","userId":"ann-1","messageId":"m-2","event":"Order Completed","properties":{"revenue":12.5}},
              {"type":"page","anonymousId":"anon-9","messageId":"m-3","name":"Pricing"}]}
            """)) { Headers = new() { ["Authorization"] = FunctionsHarness.Basic(FunctionsHarness.WriteKey) } };
        Assert.Equal(200, (await _hosts.LocalAsync(batch)).Status);
        Assert.Equal(200, (await _hosts.FunctionsAsync(batch))!.Status);
        await ProcessFunctionsQueueAsync();
        var localId = await LocalProfileIdAsync();
        var lookup = new ParityRequest("GET", "/api/profiles?identifierType=userId&value=ann-1");
        var functionsId = Id((await _hosts.FunctionsAsync(lookup))!.Body);
        Assert.Equal(localId, functionsId);

        var read = new ParityRequest("GET", path.Replace("{id}", localId, StringComparison.Ordinal));
        var local = await _hosts.LocalAsync(read);
        var azure = (await _hosts.FunctionsAsync(read))!;

        Assert.Equal(200, local.Status);
        Assert.Equal(local.Status, azure.Status);
        Assert.Equal(Normalize(local.Body), Normalize(azure.Body));
    }

    public void Dispose() => _hosts.Dispose();

    /// <summary>What the Event Hubs function would do with the queued events.</summary>
    private async Task ProcessFunctionsQueueAsync()
    {
        var harness = _hosts.Functions;
        await harness.Get<EventProcessor>().ProcessAsync(harness.Queue.Take(), new InMemoryMergeScheduler(), CancellationToken.None);
    }

    /// <summary>The local outbox processes in the background: poll (bounded) until the profile shows its events.</summary>
    private async Task<string> LocalProfileIdAsync()
    {
        var lookup = new ParityRequest("GET", "/api/profiles?identifierType=userId&value=ann-1");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var answer = await _hosts.LocalAsync(lookup);
            if (answer.Status == 200 && answer.Body.Contains("Order Completed", StringComparison.Ordinal))
            {
                return Id(answer.Body);
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the local host did not process the batch within 20 s: " + answer.Body);
            await Task.Delay(50);
        }
    }

    private static string Id(string profileJson) => System.Text.Json.JsonDocument.Parse(profileJson).RootElement.GetProperty("id").GetString()!;

    private static string Normalize(string json) =>
        SourceId().Replace(ArchiveHour().Replace(RollupDay().Replace(Timestamp().Replace(json, "<time>"), "\"<day>\":"), "<hour>/"), "\"$1\":\"<source>\"");

    /// <summary>Event rollups are keyed by the UTC day each host's clock put the events on.</summary>
    [GeneratedRegex("""\"\d{4}-\d{2}-\d{2}\":""")]
    private static partial Regex RollupDay();

    /// <summary>Raw archive paths start with the hour the batch was received (yyyy/MM/dd/HH/).</summary>
    [GeneratedRegex(@"\d{4}/\d{2}/\d{2}/\d{2}/")]
    private static partial Regex ArchiveHour();

    [GeneratedRegex("""\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})""")]
    private static partial Regex Timestamp();

    [GeneratedRegex("\"(source|lastSource|sourceId)\":\"[^\"]*\"")]
    private static partial Regex SourceId();
}
