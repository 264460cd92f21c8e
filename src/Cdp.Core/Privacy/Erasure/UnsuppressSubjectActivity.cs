using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>
/// Lifts the suppression of the identities given: their entries and every other entry the erasures that added them
/// added (identifiers found on the profiles then, which the requester may not know).
/// </summary>
public sealed class UnsuppressSubjectActivity(PrivacyRequestDocuments requests, ISuppressionList suppressions, SuppressionKeys keys)
    : IActivity<PrivacyWorkflowInput, Dictionary<string, int>>
{
    public const string ActivityName = "UnsuppressSubject";
    public const string RemovedCount = "suppressionEntriesRemoved";

    public string Name => ActivityName;

    public async Task<Dictionary<string, int>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var given = request.SubjectIdentities.Select(keys.For).ToList();
        var remove = new HashSet<string>(given, StringComparer.Ordinal);
        foreach (var requestId in (await suppressions.FindAsync(given, cancellationToken)).Select(e => e.RequestId).Distinct())
        {
            remove.UnionWith((await suppressions.ListByRequestAsync(requestId, cancellationToken)).Select(e => e.Key));
        }

        var removed = await suppressions.RemoveAsync(remove, cancellationToken);
        await requests.AuditAsync(input.RequestId, input.Attempt, "unsuppressed", PrivacyAuditOutcomes.Succeeded, $"{removed} entries removed", cancellationToken);
        return new() { [RemovedCount] = removed };
    }
}
