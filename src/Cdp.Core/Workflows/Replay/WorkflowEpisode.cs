using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Cdp.Core.Workflows.Replay;

/// <summary>
/// One episode of a workflow instance: runs the workflow from its first line and hands it the recorded results in the
/// order they were recorded, episode by episode, with <see cref="CurrentUtcDateTime"/> set to each episode's recorded
/// start, as Durable Functions does. Calls with no recorded result are returned as <see cref="EpisodeOutcome.Waiting"/>.
/// Pure: it does no I/O, so it can be tested without a journal.
/// </summary>
public sealed class WorkflowEpisode : IOrchestrationContext
{
    private readonly WorkflowHistory _history;
    private readonly Dictionary<int, ActivityRecord> _recorded;
    private readonly Dictionary<int, Call> _calls = [];
    private readonly ILoggerFactory _loggers;
    private readonly EpisodeSynchronizationContext _pump = new();
    private int _nextSequence;
    private int _guidCounter;
    private string? _violation;

    /// <param name="history">The instance's history; its last episode start is this episode's.</param>
    public WorkflowEpisode(string instanceId, WorkflowHistory history, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.EpisodeStarts.Count == 0)
        {
            throw new ArgumentException("An episode runs after its start was recorded.", nameof(history));
        }

        InstanceId = instanceId;
        _history = history;
        _loggers = loggers;
        _recorded = history.Activities.ToDictionary(a => a.Sequence);
    }

    public string InstanceId { get; }

    public DateTimeOffset CurrentUtcDateTime { get; private set; }

    public bool IsReplaying { get; private set; }

    /// <summary>Runs the workflow as far as the history allows.</summary>
    public EpisodeOutcome Run(IWorkflow workflow, object? input)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var outer = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_pump);
        try
        {
            return Replay(workflow, input);
        }
        catch (Exception ex)
        {
            return new EpisodeOutcome.Failed(Describe(ex));
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(outer);
        }
    }

    public Task<TResult> CallActivityAsync<TResult>(string name, object? input, ActivityRetry? retry = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (SynchronizationContext.Current != _pump)
        {
            _violation ??= "The workflow called an activity off its episode (after ConfigureAwait(false), Task.Run or a non-workflow await).";
            throw new InvalidOperationException(_violation);
        }

        var sequence = _nextSequence++;
        ScheduledActivity? scheduled = null;
        if (_recorded.TryGetValue(sequence, out var recorded))
        {
            if (recorded.Name != name)
            {
                _violation ??= $"The workflow is not deterministic: call #{sequence} was '{recorded.Name}' and is now '{name}'.";
                return Task.FromException<TResult>(new InvalidOperationException(_violation));
            }
        }
        else
        {
            scheduled = new ScheduledActivity(sequence, name, WorkflowJson.Serialize(input, input?.GetType() ?? typeof(object)), retry);
        }

        var call = new Call<TResult>(name, scheduled);
        _calls.Add(sequence, call);
        return call.Task;
    }

    /// <summary>A version-8 UUID from SHA-256 of the instance id and a counter: the n-th call gives the same id on every replay.</summary>
    public Guid NewGuid()
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{InstanceId}/{_guidCounter++}"), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    public ILogger CreateReplaySafeLogger(string categoryName) => new ReplaySafeLogger(_loggers.CreateLogger(categoryName), () => IsReplaying);

    private EpisodeOutcome Replay(IWorkflow workflow, object? input)
    {
        var starts = _history.EpisodeStarts;
        var episode = starts.Count;
        CurrentUtcDateTime = starts[0];
        IsReplaying = episode > 1;
        var run = workflow.RunAsync(this, input);
        _pump.RunUntilIdle();

        // Results written after episode k reach the workflow in episode k + 1; replay them in that rhythm.
        var groups = _history.Activities.ToLookup(a => Math.Clamp(a.Episode, 2, Math.Max(2, episode)));
        for (var g = 2; g <= episode && !run.IsCompleted && _violation is null; g++)
        {
            CurrentUtcDateTime = starts[g - 1];
            IsReplaying = g < episode;
            foreach (var record in groups[g])
            {
                if (run.IsCompleted || _violation is not null)
                {
                    break;
                }

                if (!_calls.TryGetValue(record.Sequence, out var call))
                {
                    _violation = $"The workflow is not deterministic: call #{record.Sequence} ('{record.Name}') was recorded but not made on replay.";
                    break;
                }

                call.Deliver(record);
                _pump.RunUntilIdle();
            }
        }

        IsReplaying = false;
        CurrentUtcDateTime = starts[episode - 1];
        if (_violation is not null)
        {
            return new EpisodeOutcome.Failed(_violation);
        }

        if (run.IsCompletedSuccessfully)
        {
            return new EpisodeOutcome.Completed(WorkflowJson.Serialize(run.Result, workflow.OutputType));
        }

        if (run.IsFaulted)
        {
            return new EpisodeOutcome.Failed(Describe(run.Exception.InnerException ?? run.Exception));
        }

        if (run.IsCanceled)
        {
            return new EpisodeOutcome.Failed("The workflow was canceled.");
        }

        var waiting = _calls.Values.Select(c => c.Scheduled).OfType<ScheduledActivity>().ToList();
        return waiting.Count > 0
            ? new EpisodeOutcome.Waiting(waiting)
            : new EpisodeOutcome.Failed(
                "The workflow awaited something other than a workflow call (Task.Delay, I/O, Task.Run or ConfigureAwait(false)); "
                + "workflow code may await only tasks from IOrchestrationContext.");
    }

    private static string Describe(Exception ex) => $"{ex.GetType().Name}: {ex.Message}";

    private abstract class Call(string name, ScheduledActivity? scheduled)
    {
        public string Name { get; } = name;

        /// <summary>Set when the call has no recorded result: the runner must execute it.</summary>
        public ScheduledActivity? Scheduled { get; } = scheduled;

        public abstract void Deliver(ActivityRecord record);
    }

    private sealed class Call<TResult>(string name, ScheduledActivity? scheduled) : Call(name, scheduled)
    {
        private readonly TaskCompletionSource<TResult> _result = new();

        public Task<TResult> Task => _result.Task;

        public override void Deliver(ActivityRecord record)
        {
            if (!record.Succeeded)
            {
                _result.TrySetException(new WorkflowActivityFailedException(record.Name, record.Error!, record.Attempts));
                return;
            }

            try
            {
                _result.TrySetResult(JsonSerializer.Deserialize<TResult>(record.ResultJson ?? "null", WorkflowJson.Options)!);
            }
            catch (JsonException ex)
            {
                _result.TrySetException(ex);
            }
        }
    }
}
