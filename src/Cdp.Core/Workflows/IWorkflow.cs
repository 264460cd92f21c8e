namespace Cdp.Core.Workflows;

/// <summary>
/// A durable workflow, found by <see cref="Name"/>. Implement <see cref="IWorkflow{TInput, TOutput}"/>; this untyped view
/// is what runners use. Workflows are singletons and must follow the determinism rules on <see cref="IOrchestrationContext"/>.
/// </summary>
public interface IWorkflow
{
    /// <summary>The name it is started by (and, in Azure, its orchestrator function's name).</summary>
    string Name { get; }

    Type InputType { get; }

    Type OutputType { get; }

    Task<object?> RunAsync(IOrchestrationContext context, object? input);
}

/// <summary>A durable workflow with a serializable input and output (sealed records).</summary>
public interface IWorkflow<TInput, TOutput> : IWorkflow
{
    /// <summary>
    /// Orchestrates activities. Runs again from the start on every episode: no I/O, no clock, no <see cref="Guid.NewGuid"/>,
    /// await only <paramref name="context"/>'s tasks (see <see cref="IOrchestrationContext"/>).
    /// </summary>
    Task<TOutput> RunAsync(IOrchestrationContext context, TInput input);

    Type IWorkflow.InputType => typeof(TInput);

    Type IWorkflow.OutputType => typeof(TOutput);

    async Task<object?> IWorkflow.RunAsync(IOrchestrationContext context, object? input) => await RunAsync(context, (TInput)input!);
}
