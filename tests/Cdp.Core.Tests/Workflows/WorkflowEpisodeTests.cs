using Cdp.Core.Workflows;
using Cdp.Core.Workflows.Replay;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdp.Core.Tests.Workflows;

public sealed class WorkflowEpisodeTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Races two calls and reports which finished first, and when the workflow learned it.</summary>
    private sealed class RaceWorkflow : IWorkflow<int, string>
    {
        public string Name => "Race";

        public async Task<string> RunAsync(IOrchestrationContext context, int input)
        {
            var slow = context.CallActivityAsync<string>("A", null);
            var fast = context.CallActivityAsync<string>("B", null);
            var winner = await Task.WhenAny(slow, fast);
            return $"{await winner}@{context.CurrentUtcDateTime:HH:mm}";
        }
    }

    private static WorkflowHistory History(int episodes, params ActivityRecord[] records) =>
        new(Enumerable.Range(0, episodes).Select(i => Start.AddMinutes(i)).ToList(), records);

    private static EpisodeOutcome Run(WorkflowHistory history, IWorkflow? workflow = null) =>
        new WorkflowEpisode("race-1", history, NullLoggerFactory.Instance).Run(workflow ?? new RaceWorkflow(), 0);

    [Fact]
    public void Run_FirstEpisode_WaitsOnBothCallsWithTheirInputs()
    {
        var outcome = Assert.IsType<EpisodeOutcome.Waiting>(Run(History(1)));

        Assert.Equal([(0, "A", "null"), (1, "B", "null")], outcome.Calls.Select(c => (c.Sequence, c.Name, c.InputJson)));
    }

    [Fact]
    public void Run_ResultsRecordedOutOfCallOrder_WhenAnySeesTheOneRecordedFirst()
    {
        var history = History(2, new ActivityRecord(1, "B", 2, "\"b\"", null, 1), new ActivityRecord(0, "A", 2, "\"a\"", null, 1));

        var outcome = Assert.IsType<EpisodeOutcome.Completed>(Run(history));

        Assert.Equal("\"b@08:01\"", outcome.OutputJson);
    }

    [Fact]
    public void Run_ResultDeliveredInALaterEpisode_WorkflowSeesThatEpisodesTime()
    {
        // A's result came in episode 2 and B's only in episode 3: the race was decided in episode 2.
        var history = History(3, new ActivityRecord(0, "A", 2, "\"a\"", null, 1), new ActivityRecord(1, "B", 3, "\"b\"", null, 1));

        var outcome = Assert.IsType<EpisodeOutcome.Completed>(Run(history));

        Assert.Equal("\"a@08:01\"", outcome.OutputJson);
    }

    [Fact]
    public void Run_RecordedCallNoLongerMade_FailsAsNotDeterministic()
    {
        var history = History(2, new ActivityRecord(5, "A", 2, "\"a\"", null, 1));

        var outcome = Assert.IsType<EpisodeOutcome.Failed>(Run(history));

        Assert.Contains("not deterministic", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_RestoresTheCallersSynchronizationContext()
    {
        var before = SynchronizationContext.Current;

        Run(History(1));

        Assert.Same(before, SynchronizationContext.Current);
    }
}
