using System.ComponentModel.DataAnnotations;

namespace Cdp.Core.Workflows.Replay;

/// <summary>Settings of the self-hosted workflow runner, bound from <c>Cdp:Workflows</c>.</summary>
public sealed class WorkflowRunnerOptions
{
    public const string SectionName = "Cdp:Workflows";

    /// <summary>Activities running at once across all instances (the machine is small; activities do I/O).</summary>
    [Range(1, 256, ErrorMessage = "Cdp:Workflows:MaxConcurrentActivities must be between 1 and 256")]
    public int MaxConcurrentActivities { get; set; } = 4;
}
