using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>Adds every known identity of the subject to the suppression list, so their new events are dropped at ingest.</summary>
public sealed class SuppressSubjectActivity(PrivacyRequestDocuments requests, ISuppressionList suppressions, SuppressionKeys keys, TimeProvider time)
    : IActivity<PrivacyWorkflowInput, Dictionary<string, int>>
{
    public const string ActivityName = "SuppressSubject";

    public string Name => ActivityName;

    public async Task<Dictionary<string, int>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var wanted = request.AllIdentities().Select(keys.For).Distinct().ToList();
        var listed = (await suppressions.FindAsync(wanted, cancellationToken)).Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        var added = wanted.Where(k => !listed.Contains(k)).Select(k => new SuppressionEntry(k, input.RequestId, now)).ToList();
        if (added.Count > 0)
        {
            await suppressions.AddAsync(added, cancellationToken);
        }

        await requests.AuditAsync(input.RequestId, input.Attempt, "suppressed", PrivacyAuditOutcomes.Succeeded, $"{wanted.Count} identifier(s)", cancellationToken);
        return new() { [PrivacyStores.SuppressionEntries] = added.Count };
    }
}
