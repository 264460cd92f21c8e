using Cdp.Core.Events;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Privacy;
using Cdp.Core.Processing;
using Cdp.Core.Tests.Builders;
using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Functions.Workflows;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cdp.Functions.Tests.Workflows;

/// <summary>
/// The Functions app: merges start as Durable orchestrations through <see cref="DurableMergeScheduler"/>, privacy
/// requests arrive through the HTTP functions, and every workflow runs in the Durable Task in-process host.
/// </summary>
internal sealed class DurableScenarioHost : IWorkflowScenarioHost, IAsyncDisposable
{
    private readonly FunctionsHarness _harness;
    private readonly DurableFunctionsHost _durable;
    private readonly RecordingMergeScheduler _merges;

    private DurableScenarioHost(FunctionsHarness harness, DurableFunctionsHost durable)
    {
        _harness = harness;
        _durable = durable;
        // Merges are only recorded while events are processed and started by CompleteMergesAsync, as the journaled host
        // does: a merge running in the background while the scenario moves its clock would stamp other times.
        _merges = new RecordingMergeScheduler(null);
    }

    public IServiceProvider Services => _harness.Services;

    public FakeTimeProvider Time => _harness.Time;

    public string WriteKey => FunctionsHarness.WriteKey;

    public static async Task<DurableScenarioHost> StartAsync(string pepper)
    {
        var harness = new FunctionsHarness().With("Cdp:Identity:Pepper", pepper);
        return new DurableScenarioHost(harness, await DurableFunctionsHost.StartAsync(harness));
    }

    public async Task ProcessAsync(IReadOnlyList<SegmentEvent> events)
    {
        using var lent = _harness.Get<DurableWorkflowClient>().Use(_durable.Client);
        await _harness.Get<EventProcessor>().ProcessAsync(events, _merges, CancellationToken.None);
    }

    public async Task<IReadOnlyList<MergeOutcome>> CompleteMergesAsync()
    {
        var outcomes = new List<MergeOutcome>();
        var scheduler = _harness.Get<IMergeScheduler>();
        foreach (var request in _merges.TakeAll().DistinctBy(r => r.InstanceId))
        {
            using (_harness.Get<DurableWorkflowClient>().Use(_durable.Client))
            {
                await scheduler.ScheduleAsync(request, CancellationToken.None);
            }

            var done = await _durable.WaitAsync(request.InstanceId);
            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{request.InstanceId}: {done.FailureDetails?.ErrorMessage}");
            outcomes.Add(done.ReadOutputAs<MergeOutcome>()!);
        }

        return outcomes;
    }

    public async Task<(string Status, string Results)> CompletePrivacyRequestAsync(byte[] openDsrBody, string requestId)
    {
        var api = new PrivacyApi(_harness, _durable.Client);
        var status = await api.SubmitAndWaitAsync(openDsrBody, requestId);
        var erasure = status.Json.GetProperty("subject_request_type").GetString() == PrivacyRequestTypes.Erasure;
        var results = erasure ? await api.CertificateAsync(requestId) : await api.ResultsAsync(requestId);
        Assert.True(results.Status == 200, $"results of {requestId}: {results.Status} {results.Body}");
        return (status.Json.GetProperty("request_status").GetString()!, results.Body);
    }

    public async ValueTask DisposeAsync()
    {
        await _durable.DisposeAsync();
        _harness.Dispose();
    }
}

/// <summary>
/// Core on its own journaled runner, as the local host runs it: merges recorded by the in-memory scheduler and run by
/// <see cref="WorkflowRunner"/>, privacy requests submitted to Core's API and run the same way (see <see cref="CoreHarness"/>).
/// </summary>
internal sealed class JournaledScenarioHost : IWorkflowScenarioHost, IDisposable
{
    private readonly CoreHarness _core;

    public JournaledScenarioHost(string pepper) => _core = new CoreHarness().With("Cdp:Identity:Pepper", pepper);

    public IServiceProvider Services => _core.Services;

    public FakeTimeProvider Time => _core.Time;

    public string WriteKey => CoreHarness.WriteKey;

    public Task ProcessAsync(IReadOnlyList<SegmentEvent> events) => _core.ProcessAsync(events);

    public async Task<IReadOnlyList<MergeOutcome>> CompleteMergesAsync()
    {
        var outcomes = new List<MergeOutcome>();
        foreach (var instance in await _core.RunMergesAsync())
        {
            Assert.True(instance.Status == WorkflowStatus.Completed, $"{instance.InstanceId}: {instance.Error}");
            outcomes.Add(instance.ReadOutput<MergeOutcome>()!);
        }

        return outcomes;
    }

    public async Task<(string Status, string Results)> CompletePrivacyRequestAsync(byte[] openDsrBody, string requestId)
    {
        var privacy = Services.GetRequiredService<PrivacyRequests>();
        var submitted = await privacy.SubmitAsync(openDsrBody, PrivacyApi.CallerId, CancellationToken.None);
        Assert.True(submitted.Outcome == PrivacyOutcome.Created, submitted.Error);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var instanceId = submitted.Request!.WorkflowInstanceId();
        await Services.GetRequiredService<WorkflowRunner>().RunAsync(instanceId, deadline.Token);
        var instance = await Services.GetRequiredService<IWorkflowClient>().GetAsync(instanceId, deadline.Token);
        Assert.True(instance!.Status == WorkflowStatus.Completed, $"{instanceId}: {instance.Error}");
        var request = (await privacy.GetAsync(requestId, CancellationToken.None)).Request!;
        var results = await privacy.ReadResultsAsync(requestId, null, CancellationToken.None);
        Assert.NotNull(results);
        return (request.Status, System.Text.Encoding.UTF8.GetString(results.Content));
    }

    public void Dispose() => _core.Dispose();
}
