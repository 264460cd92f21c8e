using System.Text.Json;

namespace Cdp.Core.Workflows;

public enum WorkflowStatus
{
    /// <summary>Started, no episode run yet.</summary>
    Pending,

    Running,
    Completed,
    Failed,
}

/// <summary>A workflow instance as a client sees it.</summary>
/// <param name="OutputJson">The workflow's result as JSON, once <see cref="WorkflowStatus.Completed"/>.</param>
/// <param name="Error">Why it failed, once <see cref="WorkflowStatus.Failed"/>.</param>
public sealed record WorkflowInstance(
    string Name,
    string InstanceId,
    WorkflowStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? OutputJson,
    string? Error)
{
    public bool IsFinished => Status is WorkflowStatus.Completed or WorkflowStatus.Failed;

    /// <summary>The output read as <typeparamref name="T"/>; default when there is none yet.</summary>
    public T? ReadOutput<T>() => OutputJson is null ? default : JsonSerializer.Deserialize<T>(OutputJson, WorkflowJson.Options);
}
