namespace Cdp.Core.Workflows;

/// <summary>
/// Starts workflows and reads their state. In Azure it wraps Durable Functions' <c>DurableTaskClient</c>; locally, the journal.
/// </summary>
public interface IWorkflowClient
{
    /// <summary>
    /// Starts <paramref name="workflowName"/> as <paramref name="instanceId"/>. Ids are chosen by the caller from the work
    /// (e.g. the profiles being merged), so starting an id that exists does nothing and returns the existing instance.
    /// </summary>
    /// <exception cref="ArgumentException">No workflow has that name, or the input is not of its input type.</exception>
    Task<WorkflowInstance> StartAsync(string workflowName, string instanceId, object? input, CancellationToken cancellationToken = default);

    /// <summary>The instance, or <c>null</c> when no instance has that id.</summary>
    Task<WorkflowInstance?> GetAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes when the instance is <see cref="WorkflowStatus.Completed"/> or <see cref="WorkflowStatus.Failed"/>
    /// (bound the wait with <paramref name="cancellationToken"/>); <c>null</c> when no instance has that id.
    /// </summary>
    Task<WorkflowInstance?> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken);
}
