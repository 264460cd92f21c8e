using System.Text;
using System.Text.Json;
using Cdp.Core.Identity;
using Cdp.Core.Privacy;
using Cdp.Core.Tests.Builders;
using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using Cdp.Tests.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Tests.Privacy;

/// <summary>
/// <see cref="CoreHarness"/> plus the privacy side: the request API, the in-memory privacy ports, running a request's
/// workflow to its end, and a scan of every store's bytes for a subject's values and identity hashes.
/// </summary>
internal sealed class PrivacyHarness : IDisposable
{
    public const string Actor = "client-compliance-tool";

    public PrivacyHarness(Action<CoreHarness>? configure = null)
        : this(new CoreHarness())
    {
        configure?.Invoke(Core);
    }

    /// <summary>The privacy side of a harness set up elsewhere (e.g. with segments); disposing this disposes it.</summary>
    public PrivacyHarness(CoreHarness core) => Core = core;

    public CoreHarness Core { get; }

    public PrivacyRequests Requests => Get<PrivacyRequests>();

    public InMemoryPrivacyRequestStore Store => Get<InMemoryPrivacyRequestStore>();

    public InMemorySuppressionList Suppressions => Get<InMemorySuppressionList>();

    public InMemoryPrivacyAuditLog Audit => Get<InMemoryPrivacyAuditLog>();

    public InMemoryDocumentArea Documents => Get<InMemoryDocumentArea>();

    public InMemoryExportLedger Ledger => Get<InMemoryExportLedger>();

    public InMemoryPrivacyStatusNotifier Notifier => Get<InMemoryPrivacyStatusNotifier>();

    public InMemoryWorkflowJournalView Journal => new((Core.Services.GetRequiredService<IWorkflowJournal>()));

    public T Get<T>()
        where T : notnull => Core.Services.GetRequiredService<T>();

    public Task<PrivacyResult> SubmitAsync(PrivacyRequestBuilder request) =>
        Requests.SubmitAsync(request.Build(), Actor, CancellationToken.None);

    /// <summary>Submits a request and runs its workflow to the end; returns the stored request.</summary>
    public async Task<PrivacyRequest> SubmitAndRunAsync(PrivacyRequestBuilder request)
    {
        var result = await SubmitAsync(request);
        Assert.True(result.Outcome == PrivacyOutcome.Created, result.Error);
        await RunAsync(result.Request!.Id);
        return await RequestAsync(result.Request.Id);
    }

    /// <summary>Runs the request's current workflow attempt until it finishes (or <paramref name="stop"/> fires).</summary>
    public async Task<WorkflowInstance> RunAsync(string requestId, CancellationToken stop = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        var instanceId = (await RequestAsync(requestId)).WorkflowInstanceId();
        await Get<WorkflowRunner>().RunAsync(instanceId, deadline.Token);
        return (await Get<IWorkflowClient>().GetAsync(instanceId, CancellationToken.None))!;
    }

    public async Task<PrivacyRequest> RequestAsync(string requestId) =>
        (await Store.GetAsync(requestId, CancellationToken.None))!.Value.Value;

    public string IdentityId(string type, string value) => Core.Hasher.IdentityId(new Identifier(type, value));

    /// <summary>
    /// Every store's bytes: profiles, identity links, the timelines of <paramref name="profileIds"/>, the raw archive,
    /// privacy requests, suppression list, audit trail, documents, export ledger, and the workflow history of
    /// <paramref name="workflowInstanceIds"/>.
    /// </summary>
    public async Task<List<(string Store, byte[] Bytes)>> StoredBytesAsync(IEnumerable<string> profileIds, IEnumerable<string> workflowInstanceIds)
    {
        var all = new List<(string, byte[])>();
        all.AddRange(Core.Profiles.StoredBytes.Select(b => ("profiles", b)));
        all.AddRange(Core.Identities.All.Select(l => ("identities", JsonSerializer.SerializeToUtf8Bytes(l, CdpJsonContext.Default.IdentityLink))));
        foreach (var profileId in profileIds.Concat(Core.Profiles.Ids).Distinct())
        {
            all.AddRange(Core.Timeline.EventsOf(profileId).Select(e => ("timeline", JsonSerializer.SerializeToUtf8Bytes(e, CdpJsonContext.Default.TimelineEvent))));
        }

        foreach (var path in Core.Archive.Paths)
        {
            all.Add(("raw-events", (await Core.Archive.ReadAsync(path, CancellationToken.None))!));
        }

        all.AddRange(Store.StoredBytes.Select(b => ("privacy-requests", b)));
        all.AddRange(Suppressions.All.Select(e => ("suppression", JsonSerializer.SerializeToUtf8Bytes(e, PrivacyJsonContext.Default.SuppressionEntry))));
        all.AddRange(Audit.All.Select(e => ("audit", JsonSerializer.SerializeToUtf8Bytes(e, PrivacyJsonContext.Default.PrivacyAuditEntry))));
        all.AddRange(Documents.StoredBytes.Select(b => ("documents", b)));
        all.AddRange(Ledger.All.Select(r => ("ledger", JsonSerializer.SerializeToUtf8Bytes(r, PrivacyJsonContext.Default.ExportRecord))));
        foreach (var instanceId in workflowInstanceIds)
        {
            all.Add(("workflow-journal", await Journal.BytesAsync(instanceId)));
        }

        return all;
    }

    /// <summary>The stores (with the needle's kind) where any of the values, or their identity hashes, appear.</summary>
    public async Task<List<string>> FindTracesAsync(
        IReadOnlyList<(string Type, string Value)> identities, IEnumerable<string> profileIds, IEnumerable<string> workflowInstanceIds)
    {
        var needles = new List<(string Kind, byte[] Bytes)>();
        foreach (var (type, value) in identities)
        {
            needles.Add(($"{type} value", Encoding.UTF8.GetBytes(value)));

            // JSON may escape characters such as '+': look for the escaped form too.
            needles.Add(($"{type} value (JSON)", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value)[1..^1])));
            needles.Add(($"{type} identity hash", Encoding.UTF8.GetBytes(IdentityId(type, value).Split(':', 2)[1])));
        }

        var found = new List<string>();
        foreach (var (store, bytes) in await StoredBytesAsync(profileIds, workflowInstanceIds))
        {
            foreach (var (kind, needle) in needles)
            {
                if (bytes.AsSpan().IndexOf(needle) >= 0)
                {
                    found.Add($"{store}: {kind}");
                }
            }
        }

        return found.Distinct().ToList();
    }

    public void Dispose() => Core.Dispose();
}

/// <summary>Reads the whole history of an instance from the journal, to scan it.</summary>
internal sealed class InMemoryWorkflowJournalView(IWorkflowJournal journal)
{
    public async Task<byte[]> BytesAsync(string instanceId)
    {
        var input = await journal.GetInputAsync(instanceId, CancellationToken.None);
        var history = await journal.GetHistoryAsync(instanceId, CancellationToken.None);
        var instance = await journal.GetAsync(instanceId, CancellationToken.None);
        var text = new StringBuilder(input);
        foreach (var record in history.Activities)
        {
            text.Append('\n').Append(record.Name).Append(' ').Append(record.ResultJson).Append(' ').Append(record.Error);
        }

        text.Append('\n').Append(instance?.OutputJson).Append(instance?.Error);
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
