using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;

namespace Cdp.Tests.InMemory;

/// <summary>The journal port in memory: the runner's semantics without SQLite. Shared by the workflow tests and the benchmark.</summary>
internal sealed class InMemoryWorkflowJournal : IWorkflowJournal
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (WorkflowInstance Instance, string Input)> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<DateTimeOffset>> _episodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ActivityRecord>> _activities = new(StringComparer.Ordinal);

    public Task<(WorkflowInstance Instance, bool Created)> CreateIfAbsentAsync(
        string workflowName, string instanceId, string inputJson, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_instances.TryGetValue(instanceId, out var existing))
            {
                return Task.FromResult((existing.Instance, false));
            }

            var instance = new WorkflowInstance(workflowName, instanceId, WorkflowStatus.Pending, now, now, null, null);
            _instances[instanceId] = (instance, inputJson);
            _episodes[instanceId] = [];
            _activities[instanceId] = [];
            return Task.FromResult((instance, true));
        }
    }

    public Task<WorkflowInstance?> GetAsync(string instanceId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_instances.TryGetValue(instanceId, out var entry) ? entry.Instance : null);
        }
    }

    public Task<string> GetInputAsync(string instanceId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_instances[instanceId].Input);
        }
    }

    public Task<IReadOnlyList<string>> GetUnfinishedAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<string> ids = _instances.Values.Where(e => !e.Instance.IsFinished)
                .OrderBy(e => e.Instance.CreatedAt).Select(e => e.Instance.InstanceId).ToList();
            return Task.FromResult(ids);
        }
    }

    public Task<WorkflowHistory> GetHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(new WorkflowHistory(_episodes[instanceId].ToList(), _activities[instanceId].ToList()));
        }
    }

    public Task<int> StartEpisodeAsync(string instanceId, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var episodes = _episodes[instanceId];
            episodes.Add(startedAt);
            var entry = _instances[instanceId];
            _instances[instanceId] = (entry.Instance with { Status = WorkflowStatus.Running, UpdatedAt = startedAt }, entry.Input);
            return Task.FromResult(episodes.Count);
        }
    }

    public Task RecordActivityAsync(string instanceId, ActivityRecord record, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var records = _activities[instanceId];
            if (!records.Exists(r => r.Sequence == record.Sequence))
            {
                records.Add(record);
            }

            return Task.CompletedTask;
        }
    }

    public Task FinishAsync(string instanceId, WorkflowStatus status, string? outputJson, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var entry = _instances[instanceId];
            _instances[instanceId] = (entry.Instance with { Status = status, OutputJson = outputJson, Error = error, UpdatedAt = now }, entry.Input);
            return Task.CompletedTask;
        }
    }
}
