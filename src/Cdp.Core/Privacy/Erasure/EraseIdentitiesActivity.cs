using Cdp.Core.Identity;
using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>Deletes the identity links of every known identity of the subject.</summary>
public sealed class EraseIdentitiesActivity(PrivacyRequestDocuments requests, IIdentityIndex identities, SubjectMatchers matchers)
    : IActivity<PrivacyWorkflowInput, Dictionary<string, int>>
{
    public const string ActivityName = "EraseIdentities";

    public string Name => ActivityName;

    public async Task<Dictionary<string, int>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        var deleted = 0;
        foreach (var identity in request.AllIdentities())
        {
            if (await identities.DeleteAsync(matchers.IdentityId(identity), null, cancellationToken))
            {
                deleted++;
            }
        }

        await requests.AuditAsync(input.RequestId, input.Attempt, "identities_erased", PrivacyAuditOutcomes.Succeeded, $"{deleted} link(s)", cancellationToken);
        return new() { [PrivacyStores.Identities] = deleted };
    }
}
