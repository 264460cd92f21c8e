using System.Collections.Concurrent;
using Cdp.Core.Workflows;

namespace Cdp.Local.Tests.Workflows;

internal sealed record ShapeCall(int Value, int FailFirst);

/// <summary>Calls made one after the other, or all at once (fan-out/fan-in).</summary>
internal sealed record ShapeGroup(bool Parallel, IReadOnlyList<ShapeCall> Calls);

internal sealed record ShapeInput(IReadOnlyList<ShapeGroup> Groups);

internal sealed record ShapeOutput(long Accumulator, IReadOnlyList<long> Results);

/// <summary>Key names the call (instance and position), so the effect can be idempotent; the first FailFirst executions throw.</summary>
internal sealed record EffectInput(string Key, long Value, int FailFirst);

/// <summary>
/// A program of sequential calls and fan-out groups whose inputs depend on earlier results, so a replay that handed back a
/// wrong or misplaced result would change what follows. Run durably (through the context) or directly (plain calls).
/// </summary>
internal static class ShapeProgram
{
    public static async Task<ShapeOutput> RunAsync(string instanceId, ShapeInput shape, Func<EffectInput, Task<long>> call)
    {
        long accumulator = 17;
        var position = 0;
        var results = new List<long>();
        foreach (var group in shape.Groups)
        {
            if (group.Parallel)
            {
                var inputs = group.Calls.Select(c => new EffectInput($"{instanceId}/{position++}", c.Value + (accumulator % 1000), c.FailFirst)).ToList();
                foreach (var result in await Task.WhenAll(inputs.Select(call)))
                {
                    accumulator = unchecked((accumulator * 31) + result);
                    results.Add(result);
                }
            }
            else
            {
                foreach (var c in group.Calls)
                {
                    var result = await call(new EffectInput($"{instanceId}/{position++}", c.Value + (accumulator % 1000), c.FailFirst));
                    accumulator = unchecked((accumulator * 31) + result);
                    results.Add(result);
                }
            }
        }

        return new ShapeOutput(accumulator, results);
    }

    public static long Compute(EffectInput input) => (input.Value * 3) + 1;
}

internal sealed class ShapeWorkflow : IWorkflow<ShapeInput, ShapeOutput>
{
    public const string WorkflowName = "Shape";

    /// <summary>Three attempts: enough for any planned failure count (at most two).</summary>
    public static readonly ActivityRetry Retry = new(3, TimeSpan.FromSeconds(1), backoffCoefficient: 2);

    public string Name => WorkflowName;

    public Task<ShapeOutput> RunAsync(IOrchestrationContext context, ShapeInput input) =>
        ShapeProgram.RunAsync(context.InstanceId, input, call => context.CallActivityAsync<long>(EffectActivity.ActivityName, call, Retry));
}

/// <summary>The outside world the activities change: it outlives any runner, like a real store.</summary>
internal sealed class EffectSink
{
    private readonly Lock _gate = new();
    private int _total;

    /// <summary>Executions per key, failed ones included.</summary>
    public ConcurrentDictionary<string, int> Executions { get; } = new();

    /// <summary>Executions per key that got past the planned failures.</summary>
    public ConcurrentDictionary<string, int> Successes { get; } = new();

    /// <summary>The effect: one entry per key, the value it was applied with.</summary>
    public ConcurrentDictionary<string, long> Applied { get; } = new();

    /// <summary>Keys executed again with a different value than the applied one: a replay handed an activity different input.</summary>
    public ConcurrentBag<string> Conflicts { get; } = [];

    /// <summary>Told the running total of executions after each one (used to crash the runner at chosen points).</summary>
    public Action<int>? AfterExecution { get; set; }

    public void Execute(EffectInput input)
    {
        var executions = Executions.AddOrUpdate(input.Key, 1, (_, n) => n + 1);
        try
        {
            if (executions <= input.FailFirst)
            {
                throw new InvalidOperationException($"planned failure {executions} of {input.Key}");
            }

            Successes.AddOrUpdate(input.Key, 1, (_, n) => n + 1);
            if (!Applied.TryAdd(input.Key, input.Value) && Applied[input.Key] != input.Value)
            {
                Conflicts.Add(input.Key);
            }
        }
        finally
        {
            int total;
            lock (_gate)
            {
                total = ++_total;
            }

            AfterExecution?.Invoke(total);
        }
    }
}

internal sealed class EffectActivity(EffectSink sink) : IActivity<EffectInput, long>
{
    public const string ActivityName = "Effect";

    public string Name => ActivityName;

    public Task<long> RunAsync(EffectInput input, CancellationToken cancellationToken)
    {
        sink.Execute(input);
        return Task.FromResult(ShapeProgram.Compute(input));
    }
}
