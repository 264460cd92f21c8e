using Cdp.Core.Workflows;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Cdp.Functions.Workflows;

/// <summary>
/// Core's <see cref="IWorkflowClient"/> over Durable Functions. The Durable extension gives its client only to functions
/// that bind <c>[DurableClient]</c>, never to dependency injection, so such a function lends it for the call:
/// <c>using var bound = workflows.Use(durable);</c>. Core services built by DI (e.g. <c>PrivacyRequests</c>) then start
/// and read workflows through this one singleton. Instance ids are chosen by Core, so starting one that exists does nothing.
/// </summary>
public sealed class DurableWorkflowClient(WorkflowRegistry registry, TimeProvider time) : IWorkflowClient
{
    private readonly AsyncLocal<DurableTaskClient?> _current = new();

    /// <summary>Lends <paramref name="client"/> to Core's calls until the result is disposed (it flows with the async call).</summary>
    public IDisposable Use(DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var previous = _current.Value;
        _current.Value = client;
        return new Lending(_current, previous);
    }

    public async Task<WorkflowInstance> StartAsync(string workflowName, string instanceId, object? input, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        var workflow = registry.GetWorkflow(workflowName);
        if (input is not null && !workflow.InputType.IsInstanceOfType(input))
        {
            throw new ArgumentException($"Workflow '{workflowName}' takes {workflow.InputType.Name}, not {input.GetType().Name}.", nameof(input));
        }

        if (await GetAsync(instanceId, cancellationToken) is { } existing)
        {
            return existing;
        }

        // Two callers racing past the check both schedule; the backend then restarts the instance, which Core's
        // workflows (idempotent activities, state re-read from the stores) make harmless.
        await LentClient.ScheduleNewOrchestrationInstanceAsync(workflowName, input, new StartOrchestrationOptions { InstanceId = instanceId }, cancellationToken);
        var now = time.GetUtcNow();
        return await GetAsync(instanceId, cancellationToken) ?? new WorkflowInstance(workflowName, instanceId, WorkflowStatus.Pending, now, now, null, null);
    }

    public async Task<WorkflowInstance?> GetAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        var metadata = await LentClient.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        return metadata is null ? null : ToInstance(metadata);
    }

    public async Task<WorkflowInstance?> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken)
    {
        var instance = await GetAsync(instanceId, cancellationToken);
        if (instance is null || instance.IsFinished)
        {
            return instance;
        }

        return ToInstance(await LentClient.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cancellationToken));
    }

    /// <summary>The client lent by the calling function; the one way Functions code reaches Durable Functions.</summary>
    internal DurableTaskClient LentClient => _current.Value ?? throw new InvalidOperationException(
        "No Durable client is lent: a function that uses workflows binds [DurableClient] DurableTaskClient and calls DurableWorkflowClient.Use first.");

    private static WorkflowInstance ToInstance(OrchestrationMetadata metadata)
    {
        var status = metadata.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Pending => WorkflowStatus.Pending,
            OrchestrationRuntimeStatus.Completed => WorkflowStatus.Completed,

            // Terminated counts as failed: Core then starts the next attempt when the request is submitted again.
            OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => WorkflowStatus.Failed,
            _ => WorkflowStatus.Running,
        };
        var error = status != WorkflowStatus.Failed
            ? null
            : metadata.FailureDetails is { } failure ? $"{failure.ErrorType}: {failure.ErrorMessage}" : metadata.RuntimeStatus.ToString();
        return new WorkflowInstance(metadata.Name, metadata.InstanceId, status, metadata.CreatedAt, metadata.LastUpdatedAt,
            status == WorkflowStatus.Completed ? metadata.SerializedOutput : null, error);
    }

    private sealed class Lending(AsyncLocal<DurableTaskClient?> current, DurableTaskClient? previous) : IDisposable
    {
        public void Dispose() => current.Value = previous;
    }
}
