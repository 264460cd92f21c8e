using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>Erases the records other features keep about the profiles (segment memberships, ...).</summary>
public sealed class EraseProfileRecordsActivity(PrivacyRequestDocuments requests, IEnumerable<IProfileRecordSource> sources)
    : IActivity<PrivacyWorkflowInput, Dictionary<string, int>>
{
    public const string ActivityName = "EraseProfileRecords";

    public string Name => ActivityName;

    public async Task<Dictionary<string, int>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var erased = 0;
            foreach (var profileId in request.ProfileIds)
            {
                erased += await source.EraseAsync(profileId, cancellationToken);
            }

            counts[source.Name] = erased;
        }

        return counts;
    }
}
