using Cdp.Core.Workflows;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Privacy;

/// <summary>Counts per store and the downstream destinations an erasure step flagged.</summary>
public sealed record ExportsFlagged(Dictionary<string, int> Counts, List<string> Destinations);

/// <summary>What the certificate is written from: decided by the workflow, so a re-run writes the same file.</summary>
public sealed record CertificateStep(
    string RequestId, int Attempt, DateTimeOffset CompletedAt, Dictionary<string, int> Counts, List<string> Destinations, ErasureVerification Verification);

/// <summary>
/// Erasure (right to be forgotten) in the requested suppression mode. Rounds of resolve → suppress → delete → verify
/// repeat until the scan finds no trace (events that were in flight when a round started are caught by the next),
/// then the certificate is written and the request completed, its identities removed. Each activity is idempotent
/// and re-reads what it needs, so a crash or a retry anywhere ends in the same state.
/// </summary>
public sealed class ErasureWorkflow(IOptions<PrivacyOptions> options) : IWorkflow<PrivacyWorkflowInput, PrivacyWorkflowOutcome>
{
    public const string WorkflowName = "PrivacyErasure";

    private readonly int _maxRounds = options.Value.MaxErasureRounds;

    public string Name => WorkflowName;

    public async Task<PrivacyWorkflowOutcome> RunAsync(IOrchestrationContext context, PrivacyWorkflowInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var retry = PrivacyWorkflowSteps.Retry;
        var begin = await context.CallActivityAsync<BeginOutcome>(BeginPrivacyRequestActivity.ActivityName, input, retry);
        if (!begin.Proceed)
        {
            return new PrivacyWorkflowOutcome(input.RequestId, begin.Status);
        }

        if (begin.Started)
        {
            await PrivacyWorkflowSteps.NotifyAsync(context, input.RequestId, PrivacyRequestStatuses.InProgress);
        }

        var mode = begin.SuppressionMode ?? SuppressionModes.SuppressWithDelete;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var destinations = new SortedSet<string>(StringComparer.Ordinal);
        ErasureVerification verification;
        try
        {
            if (mode == SuppressionModes.Unsuppress)
            {
                Add(counts, await context.CallActivityAsync<Dictionary<string, int>>(UnsuppressSubjectActivity.ActivityName, input, retry));
                verification = await context.CallActivityAsync<ErasureVerification>(VerifyErasureActivity.ActivityName, input, retry);
            }
            else
            {
                verification = await RoundsAsync(context, input, mode, counts, destinations);
            }

            if (!verification.Clean)
            {
                // Not completed and no certificate: the request stays in progress with the reason, and re-submitting retries it.
                var traces = $"traces of the subject remain after {verification.Rounds} round(s): {Describe(verification.Traces.Where(t => t.Value > 0))}";
                await context.CallActivityAsync<bool>(RecordPrivacyFailureActivity.ActivityName, new FailureStep(input.RequestId, input.Attempt, traces), retry);
                throw new InvalidOperationException($"erasure {input.RequestId}: {traces}");
            }

            var completedAt = context.CurrentUtcDateTime;
            var certificate = await context.CallActivityAsync<DocumentRef>(WriteErasureCertificateActivity.ActivityName,
                new CertificateStep(input.RequestId, input.Attempt, completedAt, counts, [.. destinations], verification), retry);
            await context.CallActivityAsync<bool>(CompletePrivacyRequestActivity.ActivityName,
                new CompletionStep(input.RequestId, input.Attempt, completedAt, [certificate], Describe(counts)), retry);
        }
        catch (WorkflowActivityFailedException e)
        {
            await context.CallActivityAsync<bool>(RecordPrivacyFailureActivity.ActivityName,
                new FailureStep(input.RequestId, input.Attempt, $"{e.ActivityName}: {e.Error}"), retry);
            throw;
        }

        await PrivacyWorkflowSteps.NotifyAsync(context, input.RequestId, PrivacyRequestStatuses.Completed);
        return new PrivacyWorkflowOutcome(input.RequestId, PrivacyRequestStatuses.Completed);
    }

    private async Task<ErasureVerification> RoundsAsync(
        IOrchestrationContext context, PrivacyWorkflowInput input, string mode, Dictionary<string, int> counts, SortedSet<string> destinations)
    {
        var retry = PrivacyWorkflowSteps.Retry;
        for (var round = 1; ; round++)
        {
            await context.CallActivityAsync<ResolvedSubject>(ResolveSubjectActivity.ActivityName, input, retry);
            if (SuppressionModes.Suppresses(mode))
            {
                // Suppression first: from here on the subject's new events are dropped at ingest.
                Add(counts, await context.CallActivityAsync<Dictionary<string, int>>(SuppressSubjectActivity.ActivityName, input, retry));
            }

            if (SuppressionModes.Deletes(mode))
            {
                Add(counts, await context.CallActivityAsync<Dictionary<string, int>>(RewriteRawEventsActivity.ActivityName, input, retry));
                Add(counts, await context.CallActivityAsync<Dictionary<string, int>>(EraseTimelineActivity.ActivityName, input, retry));
                Add(counts, await context.CallActivityAsync<Dictionary<string, int>>(EraseProfileRecordsActivity.ActivityName, input, retry));
                var flagged = await context.CallActivityAsync<ExportsFlagged>(FlagExportsActivity.ActivityName, input, retry);
                Add(counts, flagged.Counts);
                destinations.UnionWith(flagged.Destinations);

                // Before identities and profiles go: the notice names the person as the destination knew them.
                Add(counts, await context.CallActivityAsync<Dictionary<string, int>>(NotifyDestinationsActivity.ActivityName, input, retry));
                Add(counts, await context.CallActivityAsync<Dictionary<string, int>>(EraseIdentitiesActivity.ActivityName, input, retry));
                Add(counts, await context.CallActivityAsync<Dictionary<string, int>>(EraseProfilesActivity.ActivityName, input, retry));
            }

            var verification = await context.CallActivityAsync<ErasureVerification>(VerifyErasureActivity.ActivityName, input, retry);
            if (verification.Clean || round >= _maxRounds)
            {
                return verification with { Rounds = round };
            }
        }
    }

    private static void Add(Dictionary<string, int> total, Dictionary<string, int> step)
    {
        foreach (var (store, count) in step)
        {
            total[store] = total.GetValueOrDefault(store) + count;
        }
    }

    private static string Describe(IEnumerable<KeyValuePair<string, int>> counts) =>
        string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"));
}
