namespace Cdp.Core.Workflows;

/// <summary>
/// One step of a workflow that does I/O, found by <see cref="Name"/> and resolved from the container per call.
/// Implement <see cref="IActivity{TInput, TOutput}"/>; this untyped view is what runners use.
/// </summary>
public interface IActivity
{
    /// <summary>The name workflows call it by (and, in Azure, its activity function's name).</summary>
    string Name { get; }

    Type InputType { get; }

    Type OutputType { get; }

    Task<object?> RunAsync(object? input, CancellationToken cancellationToken);
}

/// <summary>
/// A workflow step with a serializable input and output. It runs at least once per call and may run again after a crash
/// or a retry, so it must be idempotent: running it twice leaves the same state as running it once.
/// </summary>
public interface IActivity<TInput, TOutput> : IActivity
{
    Task<TOutput> RunAsync(TInput input, CancellationToken cancellationToken);

    Type IActivity.InputType => typeof(TInput);

    Type IActivity.OutputType => typeof(TOutput);

    async Task<object?> IActivity.RunAsync(object? input, CancellationToken cancellationToken) =>
        await RunAsync((TInput)input!, cancellationToken);
}
