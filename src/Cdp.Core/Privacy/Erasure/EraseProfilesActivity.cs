using Cdp.Core.Profiles;
using Cdp.Core.Segments;
using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>Deletes the profiles and their merge tombstones: the last place raw identifiers lived.</summary>
public sealed class EraseProfilesActivity(PrivacyRequestDocuments requests, IProfileStore profiles, ISegmentMembers segmentMembers)
    : IActivity<PrivacyWorkflowInput, Dictionary<string, int>>
{
    public const string ActivityName = "EraseProfiles";

    public string Name => ActivityName;

    public async Task<Dictionary<string, int>> RunAsync(PrivacyWorkflowInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        await KeepIndexAsync(request, cancellationToken);
        var deleted = 0;
        foreach (var profileId in request.ProfileIds)
        {
            if (await profiles.DeleteAsync(profileId, cancellationToken))
            {
                deleted++;
            }

            // The members index would otherwise keep listing the erased id: the refresh scans profiles, not the index.
            await segmentMembers.RemoveProfileAsync(profileId, cancellationToken);
        }

        await requests.AuditAsync(input.RequestId, input.Attempt, "profiles_erased", PrivacyAuditOutcomes.Succeeded, $"{deleted} profile(s)", cancellationToken);
        return new() { [PrivacyStores.Profiles] = deleted };
    }

    /// <summary>
    /// A batch in flight may have added identifiers to a profile since it was resolved. The profile is their only index
    /// (and, for documents written before ADR 0016, of raw files too), so they are added to the request before it goes:
    /// verification then scans them, the next round erases them.
    /// </summary>
    private async Task KeepIndexAsync(PrivacyRequest request, CancellationToken ct)
    {
        var files = new List<string>();
        var found = new List<SubjectIdentity>();
        var known = request.AllIdentities().ToHashSet();
        foreach (var profileId in request.ProfileIds)
        {
            if (await profiles.GetAsync(profileId, ct) is not { Value: var profile })
            {
                continue;
            }

            files.AddRange((profile.RawBlobs ?? []).Where(b => !request.RawBlobs.Contains(b) && !files.Contains(b)));
            found.AddRange(profile.Identifiers.Select(i => new SubjectIdentity(i.Type, i.Value)).Where(i => !known.Contains(i) && !found.Contains(i)));
        }

        if (files.Count > 0 || found.Count > 0)
        {
            await requests.UpdateAsync(request.Id, r => r with
            {
                RawBlobs = r.RawBlobs.Union(files).ToList(),
                LinkedIdentities = r.LinkedIdentities.Union(found).ToList(),
            }, ct);
        }
    }
}
