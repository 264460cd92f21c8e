using System.Collections.Concurrent;
using Cdp.Core.Workflows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Cdp.Core.Tests.Workflows;

internal sealed record AddInput(string Key, int Value);

internal sealed record NumbersInput(IReadOnlyList<int> Values);

internal sealed record NumbersOutput(IReadOnlyList<int> Values);

internal sealed record Stamp(DateTimeOffset Time, Guid Id);

internal sealed record StampsOutput(IReadOnlyList<Stamp> Stamps);

/// <summary>What the toy activities did, and how often each key should still fail.</summary>
internal sealed class ActivityLog
{
    public ConcurrentQueue<string> Executions { get; } = new();

    public ConcurrentQueue<Stamp> Echoed { get; } = new();

    public ConcurrentDictionary<string, int> FailuresLeft { get; } = new();

    /// <summary>Called after an Add execution's side effect, before its result goes back to the runner.</summary>
    public Action<string>? OnExecuted { get; set; }

    public int CountOf(string key) => Executions.Count(e => e == key);
}

/// <summary>Returns its value plus one; fails while <see cref="ActivityLog.FailuresLeft"/> says so for its key.</summary>
internal sealed class AddActivity(ActivityLog log) : IActivity<AddInput, int>
{
    public const string ActivityName = "Add";

    public string Name => ActivityName;

    public Task<int> RunAsync(AddInput input, CancellationToken cancellationToken)
    {
        log.Executions.Enqueue(input.Key);
        if (log.FailuresLeft.TryGetValue(input.Key, out var left) && left > 0)
        {
            log.FailuresLeft[input.Key] = left - 1;
            throw new InvalidOperationException($"store unavailable for {input.Key}");
        }

        log.OnExecuted?.Invoke(input.Key);
        return Task.FromResult(input.Value + 1);
    }
}

/// <summary>Returns its input and moves the fake clock on a minute, so each episode starts at a later time.</summary>
internal sealed class EchoActivity(ActivityLog log, TimeProvider time) : IActivity<Stamp, Stamp>
{
    public const string ActivityName = "Echo";

    public string Name => ActivityName;

    public Task<Stamp> RunAsync(Stamp input, CancellationToken cancellationToken)
    {
        log.Echoed.Enqueue(input);
        ((FakeTimeProvider)time).Advance(TimeSpan.FromMinutes(1));
        return Task.FromResult(input);
    }
}

/// <summary>Completes only once <see cref="Expected"/> calls are inside it at the same time.</summary>
internal sealed class Rendezvous
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public int Expected { get; set; } = 3;

    public Task ArriveAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _arrived) == Expected)
        {
            _all.TrySetResult();
        }

        return _all.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
    }
}

internal sealed class RendezvousActivity(Rendezvous rendezvous) : IActivity<int, int>
{
    public const string ActivityName = "Rendezvous";

    public string Name => ActivityName;

    public async Task<int> RunAsync(int input, CancellationToken cancellationToken)
    {
        await rendezvous.ArriveAsync(cancellationToken);
        return input;
    }
}

/// <summary>Adds one to each value, one call after the other.</summary>
internal sealed class SequenceWorkflow : IWorkflow<NumbersInput, NumbersOutput>
{
    public string Name => "Sequence";

    public async Task<NumbersOutput> RunAsync(IOrchestrationContext context, NumbersInput input)
    {
        var results = new List<int>();
        for (var i = 0; i < input.Values.Count; i++)
        {
            results.Add(await context.CallActivityAsync<int>(AddActivity.ActivityName, new AddInput($"seq-{i}", input.Values[i])));
        }

        return new NumbersOutput(results);
    }
}

/// <summary>Adds one to every value at once and returns the results in input order.</summary>
internal sealed class FanOutWorkflow : IWorkflow<NumbersInput, NumbersOutput>
{
    public string Name => "FanOut";

    public async Task<NumbersOutput> RunAsync(IOrchestrationContext context, NumbersInput input)
    {
        var calls = input.Values.Select((v, i) => context.CallActivityAsync<int>(AddActivity.ActivityName, new AddInput($"fan-{i}", v)));
        return new NumbersOutput(await Task.WhenAll(calls));
    }
}

/// <summary>Three calls that can only finish if the runner runs them at the same time.</summary>
internal sealed class RendezvousWorkflow : IWorkflow<int, int>
{
    public string Name => "Rendezvous";

    public async Task<int> RunAsync(IOrchestrationContext context, int input)
    {
        var calls = Enumerable.Range(0, input).Select(i => context.CallActivityAsync<int>(RendezvousActivity.ActivityName, i));
        return (await Task.WhenAll(calls)).Sum();
    }
}

/// <summary>One call to a key that may fail, with Durable-style retry.</summary>
internal sealed class RetryWorkflow : IWorkflow<int, int>
{
    public static readonly ActivityRetry Retry = new(maxNumberOfAttempts: 4, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2.0, maxRetryInterval: TimeSpan.FromSeconds(3));

    public string Name => "Retry";

    public Task<int> RunAsync(IOrchestrationContext context, int input) =>
        context.CallActivityAsync<int>(AddActivity.ActivityName, new AddInput("flaky", input), Retry);
}

/// <summary>Handles a failed activity and reports which one failed.</summary>
internal sealed class CompensatingWorkflow : IWorkflow<int, string>
{
    public string Name => "Compensating";

    public async Task<string> RunAsync(IOrchestrationContext context, int input)
    {
        try
        {
            await context.CallActivityAsync<int>(AddActivity.ActivityName, new AddInput("flaky", input), new ActivityRetry(2, TimeSpan.FromSeconds(1)));
            return "done";
        }
        catch (WorkflowActivityFailedException ex)
        {
            await context.CallActivityAsync<int>(AddActivity.ActivityName, new AddInput("undo", input));
            return $"compensated {ex.ActivityName} after {ex.Attempts}";
        }
    }
}

/// <summary>Reads the clock and makes ids before, between and after calls, and returns what it saw.</summary>
internal sealed class ClockWorkflow : IWorkflow<int, StampsOutput>
{
    public string Name => "Clock";

    public async Task<StampsOutput> RunAsync(IOrchestrationContext context, int input)
    {
        var stamps = new List<Stamp> { new(context.CurrentUtcDateTime, context.NewGuid()) };
        stamps.Add(await context.CallActivityAsync<Stamp>(EchoActivity.ActivityName, stamps[^1]));
        stamps.Add(new Stamp(context.CurrentUtcDateTime, context.NewGuid()));
        var fanOut = new[] { new Stamp(context.CurrentUtcDateTime, context.NewGuid()), new Stamp(context.CurrentUtcDateTime, context.NewGuid()) };
        stamps.AddRange(await Task.WhenAll(fanOut.Select(s => context.CallActivityAsync<Stamp>(EchoActivity.ActivityName, s))));
        stamps.Add(new Stamp(context.CurrentUtcDateTime, context.NewGuid()));
        return new StampsOutput(stamps);
    }
}

/// <summary>Logs through a replay-safe logger and through a plain one, around three calls.</summary>
internal sealed class LoggingWorkflow(ILoggerFactory loggers) : IWorkflow<int, int>
{
    public const string SafeCategory = "Tests.ReplaySafe";
    public const string PlainCategory = "Tests.Plain";

    private readonly ILogger _plain = loggers.CreateLogger(PlainCategory);

    public string Name => "Logging";

    public async Task<int> RunAsync(IOrchestrationContext context, int input)
    {
        var safe = context.CreateReplaySafeLogger(SafeCategory);
        safe.LogInformation("start {Instance}", context.InstanceId);
        _plain.LogInformation("start {Instance}", context.InstanceId);
        var value = input;
        for (var i = 0; i < 3; i++)
        {
            value = await context.CallActivityAsync<int>(AddActivity.ActivityName, new AddInput($"log-{i}", value));
            safe.LogInformation("step {Step}", i);
            _plain.LogInformation("step {Step}", i);
        }

        return value;
    }
}

/// <summary>Breaks the rules: calls a different activity on its second run.</summary>
internal sealed class NondeterministicWorkflow : IWorkflow<int, int>
{
    private int _runs;

    public string Name => "Nondeterministic";

    public async Task<int> RunAsync(IOrchestrationContext context, int input)
    {
        var name = Interlocked.Increment(ref _runs) == 1 ? AddActivity.ActivityName : EchoActivity.ActivityName;
        await context.CallActivityAsync<int>(name, new AddInput("nd", input));
        return await context.CallActivityAsync<int>(AddActivity.ActivityName, new AddInput("nd-2", input));
    }
}

/// <summary>Breaks the rules: awaits a task that is not a workflow call.</summary>
internal sealed class StrayAwaitWorkflow : IWorkflow<int, int>
{
    public string Name => "StrayAwait";

    public async Task<int> RunAsync(IOrchestrationContext context, int input) => await new TaskCompletionSource<int>().Task;
}

/// <summary>Throws after its first call.</summary>
internal sealed class ThrowingWorkflow : IWorkflow<int, int>
{
    public string Name => "Throwing";

    public async Task<int> RunAsync(IOrchestrationContext context, int input)
    {
        await context.CallActivityAsync<int>(AddActivity.ActivityName, new AddInput("before-throw", input));
        throw new InvalidOperationException("profile lineage is inconsistent");
    }
}
