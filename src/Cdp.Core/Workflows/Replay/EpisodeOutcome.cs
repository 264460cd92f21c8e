namespace Cdp.Core.Workflows.Replay;

/// <summary>Where a workflow stands after one episode.</summary>
public abstract record EpisodeOutcome
{
    private EpisodeOutcome()
    {
    }

    /// <summary>The workflow returned.</summary>
    public sealed record Completed(string OutputJson) : EpisodeOutcome;

    /// <summary>The workflow threw (or broke the determinism rules); the instance fails.</summary>
    public sealed record Failed(string Error) : EpisodeOutcome;

    /// <summary>The workflow waits on these calls, which have no recorded result yet.</summary>
    public sealed record Waiting(IReadOnlyList<ScheduledActivity> Calls) : EpisodeOutcome;
}

/// <summary>An activity call the workflow made that has no recorded result yet: the runner executes it.</summary>
public sealed record ScheduledActivity(int Sequence, string Name, string InputJson, ActivityRetry? Retry);
