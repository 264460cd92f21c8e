using System.Text;
using Cdp.Core.Consent;
using Cdp.Core.Destinations;
using Cdp.Core.Profiles;
using Cdp.Core.Segments;
using Cdp.Core.Tests.Builders;
using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using Cdp.Tests.InMemory;
using Cdp.Tests.Segments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Core.Tests.Segments;

/// <summary>
/// Core with segments (the real language), two destinations (<c>crm</c> needs marketing,
/// <c>stats</c> needs analytics) and an activation that records every delivery handed to it.
/// </summary>
internal sealed class SegmentHarness : IDisposable
{
    public static readonly DestinationSummary Crm = new("crm", "webhook", [ConsentOptions.Marketing]);
    public static readonly DestinationSummary Stats = new("stats", "file", [ConsentOptions.Analytics]);

    public SegmentHarness() =>
        Cdp = new CoreHarness().WithServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<IDestinationDirectory>(new TestDestinations(Crm, Stats)));
            services.Replace(ServiceDescriptor.Singleton<IAudienceActivation>(Activation));
        });

    public CoreHarness Cdp { get; }

    public RecordingActivation Activation { get; } = new();

    public InMemorySegmentMembers Members => Cdp.Services.GetRequiredService<InMemorySegmentMembers>();

    public IReadOnlyList<AudienceDelivery> Deliveries => Activation.Deliveries;

    public async Task SaveAsync(string key, string definition, params string[] destinations)
    {
        var body = $$"""{"name":"{{key}} people","definition":{{definition}},"destinations":[{{string.Join(",", destinations.Select(d => $"\"{d}\""))}}]}""";
        var saved = await Cdp.Services.GetRequiredService<SegmentDefinitions>().SaveAsync(key, Encoding.UTF8.GetBytes(body), default);
        Assert.True(saved.Status is SegmentSaveStatus.Created or SegmentSaveStatus.Updated, string.Join("; ", saved.Problems));
    }

    public Task DeleteAsync(string key) => Cdp.Services.GetRequiredService<SegmentDefinitions>().DeleteAsync(key, default);

    public async Task ConsentAsync(string profileId, string purpose, bool granted)
    {
        var answer = granted ? "true" : "false";
        var body = $$$"""{"source":"preference-center","purposes":{"{{{purpose}}}":{{{answer}}}}}""";
        var result = await Cdp.Services.GetRequiredService<ConsentService>().UpdateAsync(profileId, Encoding.UTF8.GetBytes(body), default);
        Assert.Equal(ConsentStatus.Ok, result.Status);
    }

    /// <summary>Runs the refresh workflow to its end on the journaled runner, at the fake clock's time.</summary>
    public async Task<SegmentRefreshCounts> RefreshAsync()
    {
        var client = Cdp.Services.GetRequiredService<IWorkflowClient>();
        var runner = Cdp.Services.GetRequiredService<WorkflowRunner>();
        var id = SegmentRefreshSchedule.InstanceId(Cdp.Time.GetUtcNow()) + "-" + Guid.NewGuid().ToString("N");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.StartAsync(SegmentRefreshWorkflow.WorkflowName, id, new SegmentRefreshRequest("test"), deadline.Token);
        await runner.RunAsync(id, deadline.Token);
        var done = await client.GetAsync(id, deadline.Token);
        Assert.True(done!.Status == WorkflowStatus.Completed, done.Error);
        return done.ReadOutput<SegmentRefreshCounts>()!;
    }

    public async Task<Profile> ProfileAsync(string userId) => await Cdp.ProfileAsync(Core.Identity.IdentifierTypes.UserId, userId);

    /// <summary>Deliveries for (segment, destination) as "kind" strings in order, e.g. ["entered", "exited"].</summary>
    public IReadOnlyList<string> Kinds(string segment, string destination) =>
        [.. Deliveries.Where(d => d.SegmentKey == segment && d.Destination == destination).Select(d => d.Kind)];

    public void Dispose() => Cdp.Dispose();
}
