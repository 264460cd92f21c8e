using Cdp.Core.Workflows;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Cdp.Functions.Workflows;

/// <summary>Core's orchestration port over Durable Functions' context: the same workflow code runs here and locally.</summary>
internal sealed class DurableOrchestrationContext(TaskOrchestrationContext context) : IOrchestrationContext
{
    public string InstanceId => context.InstanceId;

    public DateTimeOffset CurrentUtcDateTime => new(context.CurrentUtcDateTime, TimeSpan.Zero);

    public bool IsReplaying => context.IsReplaying;

    public async Task<TResult> CallActivityAsync<TResult>(string name, object? input, ActivityRetry? retry = null)
    {
        var options = retry is null
            ? null
            : TaskOptions.FromRetryPolicy(new RetryPolicy(
                retry.MaxNumberOfAttempts, retry.FirstRetryInterval, retry.BackoffCoefficient, retry.MaxRetryInterval));
        try
        {
            return await context.CallActivityAsync<TResult>(name, input, options);
        }
        catch (TaskFailedException ex)
        {
            // Workflows catch Core's exception, so a failure reads the same on both hosts.
            throw new WorkflowActivityFailedException(name,
                $"{ex.FailureDetails.ErrorType}: {ex.FailureDetails.ErrorMessage}", retry?.MaxNumberOfAttempts ?? 1);
        }
    }

    public Guid NewGuid() => context.NewGuid();

    public ILogger CreateReplaySafeLogger(string categoryName) => context.CreateReplaySafeLogger(categoryName);
}
