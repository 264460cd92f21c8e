using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Core;
using Cdp.Core.Events;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Tests.Builders;
using Cdp.Core.Tests.Privacy;
using Cdp.Tests.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cdp.Functions.Tests.Workflows;

/// <summary>A host the shared scenario runs on: the Functions app on Durable, or Core on its journaled runner.</summary>
internal interface IWorkflowScenarioHost
{
    /// <summary>The app's services over the in-memory ports (stores to read, intake, processor).</summary>
    IServiceProvider Services { get; }

    FakeTimeProvider Time { get; }

    /// <summary>A write key of the host's source.</summary>
    string WriteKey { get; }

    /// <summary>Processes accepted events, starting merges the host's way.</summary>
    Task ProcessAsync(IReadOnlyList<SegmentEvent> events);

    /// <summary>Runs (or waits for) every merge started since the last call; each must complete.</summary>
    Task<IReadOnlyList<MergeOutcome>> CompleteMergesAsync();

    /// <summary>Submits an OpenDSR request, runs (or waits for) its workflow to the end; the final status and results file.</summary>
    Task<(string Status, string Results)> CompletePrivacyRequestAsync(byte[] openDsrBody, string requestId);
}

/// <summary>What a user sees after the scenario, as JSON, equal on both hosts when the workflows behave the same.</summary>
internal sealed record WorkflowScenarioResult(
    string Merges, string AfterMerge, string Erasure, string Access, string Final, string Callbacks);

/// <summary>
/// One scenario for both hosts, so the Durable adapter and the journaled runner are held to the same results.
/// Ann browses anonymously, then signs up: her two profiles merge. Ben and Cal are other customers whose events share
/// Ann's raw archive batches. After more events, Ann asks to be erased and Ben for his data.
/// Every generated value is made equal at its source instead of being masked: the same pepper gives the same identity
/// hashes and so the same profile ids, events carry message ids, both fake clocks start at <see cref="Start"/> and move
/// only when the scenario moves them. What only one host can know is masked: the orchestration's own clock (Durable's
/// engine runs on real time), which stamps a request's completion.
/// </summary>
internal static class SharedWorkflowScenario
{
    public const string Pepper = "shared-scenario-pepper-0123456789";
    public const string AnnEmail = "ann.lee@example.com";
    public const string ErasureId = "6f1d2c3b-8a9e-4f70-9d1c-2b3a4c5d6e7f";
    public const string AccessId = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    public const string OrchestrationClock = "<orchestration clock>";

    public static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static readonly IReadOnlyList<IReadOnlyList<EventBuilder>> BeforeMerge =
    [
        [
            EventBuilder.Page("Home").AnonymousId("anon-ann").MessageId("m-a1").Timestamp(Start.AddMinutes(-30)),
            EventBuilder.Identify().UserId("ben-7").Trait("email", "ben@example.org").Trait("name", "Ben").MessageId("m-b1").Timestamp(Start.AddMinutes(-30)),
            EventBuilder.Identify().UserId("cal-3").Trait("email", "cal@example.com").MessageId("m-c1").Timestamp(Start.AddMinutes(-29)),
        ],
        [
            EventBuilder.Identify().UserId("ann-1").Trait("email", AnnEmail).Trait("name", "Ann Lee").Trait("plan", "free").MessageId("m-a2").Timestamp(Start.AddMinutes(-20)),
            EventBuilder.Track("Viewed Product").AnonymousId("anon-ann").Property("sku", "A-1").MessageId("m-a3").Timestamp(Start.AddMinutes(-19)),
            EventBuilder.Track("Order Completed").UserId("ben-7").Property("revenue", 30).MessageId("m-b2").Timestamp(Start.AddMinutes(-18)),
        ],
        [
            EventBuilder.Track("Signed In").UserId("ann-1").AnonymousId("anon-ann").MessageId("m-a4").Timestamp(Start.AddMinutes(-10)),
            EventBuilder.Page("Pricing").UserId("cal-3").MessageId("m-c2").Timestamp(Start.AddMinutes(-9)),
        ],
    ];

    public static readonly IReadOnlyList<EventBuilder> AfterMerge =
    [
        EventBuilder.Track("Order Completed").UserId("ann-1").Property("revenue", 42).MessageId("m-a5").Timestamp(Start.AddMinutes(-5)),
        EventBuilder.Identify().UserId("ann-1").Trait("plan", "pro").MessageId("m-a6").Timestamp(Start.AddMinutes(-4)),
        EventBuilder.Identify().UserId("ben-7").Trait("name", "Ben Ode").MessageId("m-b3").Timestamp(Start.AddMinutes(-3)),
    ];

    public static PrivacyRequestBuilder Erasure => PrivacyRequestBuilder.Erasure(("email", AnnEmail))
        .WithId(ErasureId).Submitted(Start.AddHours(-2)).Callback("https://dsr.example.com/callback");

    public static PrivacyRequestBuilder Access => PrivacyRequestBuilder.Access(("userId", "ben-7"))
        .WithId(AccessId).Submitted(Start.AddHours(-2)).Callback("https://dsr.example.com/callback");

    public static async Task<WorkflowScenarioResult> RunAsync(IWorkflowScenarioHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        host.Time.SetUtcNow(Start);
        foreach (var batch in BeforeMerge)
        {
            await IngestAsync(host, batch);
        }

        var merges = await host.CompleteMergesAsync();
        var afterMerge = await SnapshotAsync(host.Services);
        await IngestAsync(host, AfterMerge);
        Assert.Empty(await host.CompleteMergesAsync());

        host.Time.Advance(TimeSpan.FromMinutes(10));
        var erasure = await host.CompletePrivacyRequestAsync(Erasure.ToOpenDsrJson(), ErasureId);
        host.Time.Advance(TimeSpan.FromMinutes(10));
        var access = await host.CompletePrivacyRequestAsync(Access.ToOpenDsrJson(), AccessId);
        var callbacks = host.Services.GetRequiredService<InMemoryPrivacyStatusNotifier>().Sent
            .Select(c => $"{c.RequestId} {c.Status} at {c.At:O}{(c.ResultsUrl is null ? "" : " results " + c.ResultsUrl)}");

        return new WorkflowScenarioResult(
            JsonSerializer.Serialize(merges, Indented),
            afterMerge,
            Normalize(erasure.Status, erasure.Results),
            Normalize(access.Status, access.Results),
            await SnapshotAsync(host.Services),
            string.Join('\n', callbacks));
    }

    private static async Task IngestAsync(IWorkflowScenarioHost host, IReadOnlyList<EventBuilder> events)
    {
        var body = new BatchBuilder().Add([.. events]).ToBytes();
        var accepted = await host.Services.GetRequiredService<EventIntake>().AcceptAsync(
            IngestRoute.Batch, CoreHarness.Basic(host.WriteKey), body, CancellationToken.None);
        Assert.True(accepted.Status == IntakeStatus.Accepted, accepted.Error);
        await host.ProcessAsync(accepted.Accepted);
        host.Time.Advance(TimeSpan.FromMinutes(1));
    }

    /// <summary>Every profile document (live and merged away), every identity link, every timeline, ordered by id.</summary>
    private static async Task<string> SnapshotAsync(IServiceProvider services)
    {
        var profiles = services.GetRequiredService<InMemoryProfileStore>();
        var timeline = services.GetRequiredService<InMemoryTimelineStore>();
        var snapshot = new JsonObject();
        foreach (var id in profiles.Ids.Order(StringComparer.Ordinal))
        {
            var profile = (await profiles.GetAsync(id, CancellationToken.None))!.Value.Value;
            snapshot[id] = new JsonObject
            {
                ["document"] = JsonSerializer.SerializeToNode(profile, CdpJsonContext.Default.Profile),
                ["timeline"] = new JsonArray([.. timeline.EventsOf(id).Select(e => e.Id).Order(StringComparer.Ordinal).Select(m => JsonValue.Create(m))]),
            };
        }

        snapshot["identityLinks"] = new JsonArray([.. services.GetRequiredService<InMemoryIdentityIndex>().All
            .OrderBy(l => l.Id, StringComparer.Ordinal).Select(l => JsonSerializer.SerializeToNode(l, CdpJsonContext.Default.IdentityLink))]);
        return snapshot.ToJsonString(Indented);
    }

    /// <summary>The request's final status and its results file, with the orchestration-clock stamp masked.</summary>
    private static string Normalize(string status, string results)
    {
        var file = JsonNode.Parse(results)!.AsObject();
        if (file.ContainsKey("completedTime"))
        {
            file["completedTime"] = OrchestrationClock;
        }

        return new JsonObject { ["status"] = status, ["results"] = file }.ToJsonString(Indented);
    }
}
