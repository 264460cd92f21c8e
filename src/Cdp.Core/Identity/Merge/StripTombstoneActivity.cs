using Cdp.Core.Consent;
using Cdp.Core.Profiles;
using Cdp.Core.Workflows;

namespace Cdp.Core.Identity;

/// <summary>
/// Leaves the loser as a bare redirect: its data lives on in the survivor, raw identifiers only there. Its archived consent
/// changes go too (the fold copied them to the survivor).
/// </summary>
public sealed class StripTombstoneActivity(IProfileStore profiles, IConsentArchive consentArchive) : IActivity<MergeStep, bool>
{
    public const string ActivityName = "StripTombstone";

    public string Name => ActivityName;

    public async Task<bool> RunAsync(MergeStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var loser = await profiles.GetAsync(input.LoserId, cancellationToken);
        if (loser is { Value.MergedInto: not null })
        {
            await consentArchive.DeleteAllAsync(input.LoserId, cancellationToken);
        }

        if (loser is not { Value.MergedInto: not null } tombstone || tombstone.Value.Identifiers.Count == 0 && tombstone.Value.Traits.Count == 0)
        {
            return false;
        }

        var stripped = new Profile
        {
            Id = tombstone.Value.Id,
            CreatedAt = tombstone.Value.CreatedAt,
            UpdatedAt = tombstone.Value.UpdatedAt,
            MergedInto = tombstone.Value.MergedInto,
            History = tombstone.Value.History,
            Version = tombstone.Value.Version + 1,
        };
        await profiles.ReplaceAsync(stripped, tombstone.ETag, cancellationToken);
        return true;
    }
}
