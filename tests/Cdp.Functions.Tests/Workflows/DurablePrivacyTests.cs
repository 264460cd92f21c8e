using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Privacy;
using Cdp.Core.Processing;
using Cdp.Core.Tests.Privacy;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Functions.Workflows;
using Cdp.Tests.Privacy;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Functions.Tests.Workflows;

/// <summary>
/// Privacy requests end to end on the Functions app: the OpenDSR HTTP functions, the erasure and access orchestrations
/// in the Durable Task host, the in-memory stores behind them, and for erasure Core's signed notifier posting each status
/// change to a callback endpoint on 127.0.0.1 that checks the signature.
/// </summary>
public sealed class DurablePrivacyTests
{
    private const string JaneEmail = "jane.doe@example.com";
    private const string CallbackUrl = "https://dsr.example.com/callback";
    private const string CallbackSecret = "functions-test-callback-secret";

    /// <summary>Jane and Bob, whose events share every raw archive batch; no merges.</summary>
    private const string JaneAndBob = """
        {"batch":[
          {"type":"identify","userId":"jane-1","anonymousId":"anon-jane","messageId":"m-j1","timestamp":"2026-11-30T10:00:00Z","traits":{"email":"jane.doe@example.com","name":"Jane Doe","plan":"pro"}},
          {"type":"identify","userId":"bob-2","messageId":"m-b1","timestamp":"2026-11-30T10:00:00Z","traits":{"email":"bob@example.net","name":"Bob"}},
          {"type":"track","userId":"jane-1","event":"Order Completed","messageId":"m-j2","timestamp":"2026-11-30T10:05:00Z","properties":{"revenue":42,"sku":"J-1"}},
          {"type":"page","anonymousId":"anon-jane","name":"Pricing","messageId":"m-j3","timestamp":"2026-11-30T10:06:00Z"},
          {"type":"track","userId":"bob-2","event":"Viewed Product","messageId":"m-b2","timestamp":"2026-11-30T10:07:00Z","properties":{"sku":"B-1"}}
        ]}
        """;

    [Fact]
    public async Task Erasure_V3MapFormThroughHttp_CompletesWithCertificateSignedV3CallbacksAndLeavesOthersIntact()
    {
        await using var receiver = await CallbackReceiver.StartAsync(CallbackSecret);
        using var harness = new FunctionsHarness()
            .With("Cdp:Privacy:CallbackSecret", CallbackSecret)
            .With("Cdp:Privacy:ProcessorDomain", "cdp-func.azurewebsites.net");
        harness.ServiceCollection.AddSingleton<IPrivacyStatusNotifier>(sp => new RecordedAndSent(
            sp.GetRequiredService<Cdp.Tests.InMemory.InMemoryPrivacyStatusNotifier>(), ActivatorUtilities.CreateInstance<SignedStatusNotifier>(sp)));
        await using var durable = await DurableFunctionsHost.StartAsync(harness);
        await IngestAsync(harness, durable);
        var jane = (await harness.FindProfileAsync("email", JaneEmail))!;
        var bob = (await harness.FindProfileAsync("userId", "bob-2"))!;
        var bobBefore = JsonSerializer.Serialize(bob, CdpJsonContext.Default.Profile);
        var api = new PrivacyApi(harness, durable.Client);
        var request = PrivacyRequestBuilder.Erasure(("email", JaneEmail), ("controller_customer_id", "jane-1"))
            .Submitted(FunctionsHarness.Start.AddHours(-1)).Callback(receiver.Url);
        var v3Body = request.ToOpenDsrV3Json();

        var before = TimeProvider.System.GetUtcNow();
        var status = await api.SubmitAndWaitAsync(v3Body, request.Id!);
        var after = TimeProvider.System.GetUtcNow();

        Assert.Equal(200, status.Status);
        Assert.Equal(PrivacyRequestStatuses.Completed, status.Json.GetProperty("request_status").GetString());
        Assert.Equal(JsonValueKind.Null, status.Json.GetProperty("results_url").ValueKind);
        Assert.Equal($"/api/privacy/requests/{request.Id}/certificate", status.Json.GetProperty("certificate_url").GetString());

        // The compliance tool's endpoint accepted in_progress then completed: v3 bodies, signed over their exact bytes.
        Assert.Empty(receiver.Refusals);
        var callbacks = receiver.Received.ToList();
        Assert.Equal([PrivacyRequestStatuses.InProgress, PrivacyRequestStatuses.Completed], callbacks.Select(c => c.Status));
        Assert.All(callbacks, c =>
        {
            Assert.Equal("cdp-func.azurewebsites.net", c.ProcessorDomain);
            Assert.Equal(("3.0", "cdp", request.Id), (c.Json["api_version"]!.GetValue<string>(), c.Json["controller_id"]!.GetValue<string>(),
                c.Json["subject_request_id"]!.GetValue<string>()));
            Assert.Equal(status.Json.GetProperty("expected_completion_time").GetDateTimeOffset(), c.Json["expected_completion_time"]!.GetValue<DateTimeOffset>());
            Assert.Equal(receiver.Url, c.Json["status_callback_url"]!.GetValue<string>());
            Assert.True(c.Json.ContainsKey("results_url") && c.Json["results_url"] is null, "results_url is v3's, null for an erasure");
            Assert.DoesNotContain(JaneEmail, System.Text.Encoding.UTF8.GetString(c.Body), StringComparison.Ordinal);
        });
        Assert.Equal($"/api/privacy/requests/{request.Id}/certificate", callbacks[^1].Json["certificate_url"]!.GetValue<string>());

        // The certificate is served, counts what went, and says the scan found nothing left.
        var certificate = await api.CertificateAsync(request.Id!);
        Assert.Equal(200, certificate.Status);
        var body = certificate.Json;
        Assert.Equal(request.Id, body.GetProperty("requestId").GetString());
        Assert.True(body.GetProperty("verification").GetProperty("clean").GetBoolean());
        var counts = body.GetProperty("counts");
        Assert.Equal(1, counts.GetProperty(PrivacyStores.Profiles).GetInt32());
        Assert.Equal(3, counts.GetProperty(PrivacyStores.Identities).GetInt32());
        Assert.Equal(3, counts.GetProperty(PrivacyStores.TimelineEvents).GetInt32());
        Assert.DoesNotContain(JaneEmail, certificate.Body, StringComparison.Ordinal);

        // Completion is stamped by the orchestration's clock: the Durable engine's, which is real time.
        Assert.InRange(body.GetProperty("completedTime").GetDateTimeOffset(), before.AddSeconds(-1), after.AddSeconds(1));

        // Jane is gone from every store; Bob is exactly as he was.
        Assert.DoesNotContain(jane.Id, harness.Profiles.Ids);
        Assert.Empty(harness.Timeline.EventsOf(jane.Id));
        foreach (var (type, value) in new[] { ("email", JaneEmail), ("userId", "jane-1"), ("anonymousId", "anon-jane") })
        {
            Assert.Null(await harness.Identities.GetAsync(harness.Get<IdentityHasher>().IdentityId(new Identifier(type, value)), CancellationToken.None));
        }

        var bobAfter = (await harness.FindProfileAsync("userId", "bob-2"))!;
        Assert.Equal(bobBefore, JsonSerializer.Serialize(bobAfter, CdpJsonContext.Default.Profile));
        Assert.Equal(["m-b1", "m-b2"], harness.Timeline.EventsOf(bob.Id).Select(e => e.Id).Order(StringComparer.Ordinal));

        // The changes the workflow reported are the ones that reached the endpoint.
        Assert.Equal([PrivacyRequestStatuses.InProgress, PrivacyRequestStatuses.Completed],
            harness.Callbacks.Sent.Where(c => c.RequestId == request.Id).Select(c => c.Status));
    }

    [Fact]
    public async Task Access_SubmittedThroughHttp_ResultsHoldTheSubjectsTraitsAndEventsOnly()
    {
        using var harness = new FunctionsHarness();
        await using var durable = await DurableFunctionsHost.StartAsync(harness);
        await IngestAsync(harness, durable);
        var api = new PrivacyApi(harness, durable.Client);
        var request = PrivacyRequestBuilder.Access(("userId", "jane-1")).Submitted(FunctionsHarness.Start.AddHours(-1)).Callback(CallbackUrl);

        var status = await api.SubmitAndWaitAsync(request.ToOpenDsrJson(), request.Id!);

        Assert.Equal(PrivacyRequestStatuses.Completed, status.Json.GetProperty("request_status").GetString());
        Assert.Equal($"/api/privacy/requests/{request.Id}/results", status.Json.GetProperty("results_url").GetString());
        var results = await api.ResultsAsync(request.Id!);
        Assert.Equal(200, results.Status);
        var package = results.Json;
        Assert.Equal(request.Id, package.GetProperty("requestId").GetString());
        var profile = Assert.Single(package.GetProperty("profiles").EnumerateArray());
        var traits = profile.GetProperty("traits");
        Assert.Equal("Jane Doe", traits.GetProperty("name").GetProperty("value").GetString());
        Assert.Equal("pro", traits.GetProperty("plan").GetProperty("value").GetString());
        Assert.Equal(JaneEmail, traits.GetProperty("email").GetProperty("value").GetString());
        var identities = package.GetProperty("identities").EnumerateArray().Select(i => $"{i.GetProperty("type").GetString()}:{i.GetProperty("value").GetString()}");
        Assert.Equal(["anonymousId:anon-jane", "email:jane.doe@example.com", "userId:jane-1"], identities.Order(StringComparer.Ordinal));

        // Her three events, newest first, with their properties; none of Bob's.
        var timeline = package.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(["m-j3", "m-j2", "m-j1"], timeline.Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(42, timeline[1].GetProperty("properties").GetProperty("revenue").GetInt32());
        Assert.DoesNotContain("bob", results.Body, StringComparison.OrdinalIgnoreCase);

        Assert.Equal([PrivacyRequestStatuses.InProgress, PrivacyRequestStatuses.Completed],
            harness.Callbacks.Sent.Where(c => c.RequestId == request.Id).Select(c => c.Status));
    }

    private static async Task IngestAsync(FunctionsHarness harness, DurableFunctionsHost durable)
    {
        using var lent = harness.Get<DurableWorkflowClient>().Use(durable.Client);
        await harness.Get<EventProcessor>().ProcessAsync(await harness.AcceptAsync(JaneAndBob), harness.Get<IMergeScheduler>(), CancellationToken.None);
        Assert.Equal(2, harness.Profiles.Ids.Count);
    }

    /// <summary>The harness's recording notifier, then Core's signed one: what the workflow reported, and what was sent.</summary>
    private sealed class RecordedAndSent(IPrivacyStatusNotifier recorded, IPrivacyStatusNotifier sent) : IPrivacyStatusNotifier
    {
        public async Task NotifyAsync(PrivacyStatusChange change, CancellationToken cancellationToken)
        {
            await recorded.NotifyAsync(change, cancellationToken);
            await sent.NotifyAsync(change, cancellationToken);
        }
    }
}
