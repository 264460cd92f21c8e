using Microsoft.Extensions.Logging;

namespace Cdp.Core.Workflows;

/// <summary>
/// What a workflow sees of the durable runtime: the same surface in Azure (adapted from Durable Functions'
/// <c>TaskOrchestrationContext</c>) and in the local host (the journaled runner).
/// </summary>
/// <remarks>
/// <para>
/// A workflow is re-run from its first line every time it wakes up (an "episode"); calls whose results are in
/// the history return those results instead of running again. So workflow code must be deterministic: each
/// re-run must make the same calls, with the same inputs, in the same order. In workflow code:
/// </para>
/// <list type="bullet">
///   <item>do no I/O (stores, HTTP, files, environment): put it in an activity and call it;</item>
///   <item>read time only from <see cref="CurrentUtcDateTime"/>, never from <see cref="TimeProvider"/> or the system clock;</item>
///   <item>make ids only with <see cref="NewGuid"/>, never <see cref="Guid.NewGuid"/> or <see cref="Random"/>;</item>
///   <item>await only tasks this context returned (and <see cref="Task.WhenAll(Task[])"/>/<see cref="Task.WhenAny(Task[])"/>
///   over them); no <c>Task.Delay</c>, <c>Task.Run</c> or <c>ConfigureAwait(false)</c>;</item>
///   <item>log only through <see cref="CreateReplaySafeLogger"/>, so a line is written once, not once per episode;</item>
///   <item>keep inputs and outputs serializable with System.Text.Json (sealed records).</item>
/// </list>
/// <para>Fan-out/fan-in: start several <see cref="CallActivityAsync{TResult}"/> calls, then await <c>Task.WhenAll</c>.</para>
/// </remarks>
public interface IOrchestrationContext
{
    /// <summary>The workflow instance's id (callers choose it, so starting the same work twice is a no-op).</summary>
    string InstanceId { get; }

    /// <summary>
    /// The time of the episode that first reached this point of the workflow: the same value on every re-run.
    /// </summary>
    DateTimeOffset CurrentUtcDateTime { get; }

    /// <summary>True while the workflow re-executes code it already ran in an earlier episode.</summary>
    bool IsReplaying { get; }

    /// <summary>
    /// Schedules the activity <paramref name="name"/> with <paramref name="input"/> and returns its result. An activity that
    /// fails on its last attempt surfaces here as <see cref="WorkflowActivityFailedException"/>.
    /// Maps to Durable Functions' <c>CallActivityAsync&lt;TResult&gt;(name, input, TaskOptions.FromRetryPolicy(...))</c>.
    /// </summary>
    /// <param name="name">The activity's <see cref="IActivity.Name"/>.</param>
    /// <param name="input">The activity's input (serialized with System.Text.Json).</param>
    /// <param name="retry">Attempts and back-off; <c>null</c> means a single attempt.</param>
    Task<TResult> CallActivityAsync<TResult>(string name, object? input, ActivityRetry? retry = null);

    /// <summary>A new id that is the same on every re-run (derived from the instance id and a call counter).</summary>
    Guid NewGuid();

    /// <summary>A logger that drops entries while <see cref="IsReplaying"/>, so each line is written once.</summary>
    ILogger CreateReplaySafeLogger(string categoryName);
}
