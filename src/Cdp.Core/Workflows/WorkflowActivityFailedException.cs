namespace Cdp.Core.Workflows;

/// <summary>Surfaces in a workflow when an activity failed on its last attempt; unhandled, it fails the workflow.</summary>
public sealed class WorkflowActivityFailedException(string activityName, string error, int attempts)
    : Exception($"Activity '{activityName}' failed after {attempts} attempt(s): {error}")
{
    public string ActivityName { get; } = activityName;

    /// <summary>The last attempt's error: exception type and message.</summary>
    public string Error { get; } = error;

    public int Attempts { get; } = attempts;
}
