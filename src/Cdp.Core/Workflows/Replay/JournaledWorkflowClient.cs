namespace Cdp.Core.Workflows.Replay;

/// <summary>
/// The workflow client of a self-hosted runner: instances live in the journal, new ones are queued for the runner.
/// <see cref="WaitForCompletionAsync"/> is woken by the runner of this process; for an instance another process runs,
/// poll <see cref="GetAsync"/>.
/// </summary>
public sealed class JournaledWorkflowClient(
    IWorkflowJournal journal,
    WorkflowRegistry registry,
    WorkflowWorkQueue queue,
    WorkflowCompletions completions,
    TimeProvider time) : IWorkflowClient
{
    public async Task<WorkflowInstance> StartAsync(string workflowName, string instanceId, object? input, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        var workflow = registry.GetWorkflow(workflowName);
        if (input is not null && !workflow.InputType.IsInstanceOfType(input))
        {
            throw new ArgumentException($"Workflow '{workflowName}' takes {workflow.InputType.Name}, not {input.GetType().Name}.", nameof(input));
        }

        var (instance, _) = await journal.CreateIfAbsentAsync(
            workflowName, instanceId, WorkflowJson.Serialize(input, workflow.InputType), time.GetUtcNow(), cancellationToken);

        // Queued even when it existed: an unfinished instance is then resumed; the runner ignores one it is running.
        if (!instance.IsFinished)
        {
            queue.Enqueue(instanceId);
        }

        return instance;
    }

    public Task<WorkflowInstance?> GetAsync(string instanceId, CancellationToken cancellationToken = default) =>
        journal.GetAsync(instanceId, cancellationToken);

    public async Task<WorkflowInstance?> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var finished = completions.NextFinishAsync(instanceId);
            var instance = await journal.GetAsync(instanceId, cancellationToken);
            if (instance is null || instance.IsFinished)
            {
                return instance;
            }

            await finished.WaitAsync(cancellationToken);
        }
    }
}
