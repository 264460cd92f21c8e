using Cdp.Core.Profiles;

namespace Cdp.Core.Consent;

/// <summary>
/// The one rule for a profile's consent history beyond <see cref="ConsentHistoryLimits.InDocument"/>: the oldest changes
/// move from the document to <see cref="IConsentArchive"/> before the document is written, and readers see both.
/// Nothing is dropped: an entry is archived first and removed from the document after, so a crash or a lost write race
/// in between leaves it in both places at worst, and <see cref="FullHistoryAsync"/> shows it once.
/// </summary>
public sealed class ConsentHistoryArchiver(IConsentArchive archive)
{
    /// <summary>
    /// Call just before writing <paramref name="profile"/>: archives the oldest entries beyond the limit, then removes them
    /// from the document (the newest stay, in their order). Does nothing while the history is within the limit.
    /// </summary>
    public async Task ArchiveOverflowAsync(Profile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var history = profile.ConsentHistory;
        var excess = history.Count - ConsentHistoryLimits.InDocument;
        if (excess <= 0)
        {
            return;
        }

        // Oldest by time (the list is in arrival order, which a late event for another purpose can break); ties by position.
        var moved = Enumerable.Range(0, history.Count).OrderBy(i => history[i].At).ThenBy(i => i).Take(excess).ToHashSet();
        await archive.AppendAsync(profile.Id, moved.Order().Select(i => history[i]).ToList(), cancellationToken);
        var kept = history.Where((_, i) => !moved.Contains(i)).ToList();
        history.Clear();
        history.AddRange(kept);
    }

    /// <summary>Every change of the profile's consent, oldest first: the archived ones and the document's, each once.</summary>
    public async Task<List<ConsentHistoryEntry>> FullHistoryAsync(Profile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var archived = await archive.ListAsync(profile.Id, cancellationToken);

        // Stable: equal times keep the archive's order, then the document's.
        return archived.Concat(profile.ConsentHistory).Distinct().OrderBy(e => e.At).ToList();
    }

    /// <summary>
    /// A merge: the loser's archived changes become the survivor's (idempotent), so the survivor shows the loser's whole
    /// history. Call before the survivor is written and before anything deletes the loser's records.
    /// </summary>
    public async Task CopyArchivedAsync(string fromProfileId, string toProfileId, CancellationToken cancellationToken)
    {
        var archived = await archive.ListAsync(fromProfileId, cancellationToken);
        if (archived.Count > 0)
        {
            await archive.AppendAsync(toProfileId, archived, cancellationToken);
        }
    }
}
