using Cdp.Core.Consent;
using Cdp.Core.Identity;
using Cdp.Core.Privacy;

namespace Cdp.Core.Destinations;

/// <summary>What a member file came to: the file and how many profiles it holds.</summary>
public sealed record MemberFile(DocumentRef File, int Members);

/// <summary>
/// A segment's full member file for a file destination, on demand: the profiles given (members listed by the membership
/// side) that still exist and grant the destination's purposes, one row each, recorded in the export ledger.
/// </summary>
public sealed class MemberFiles(DestinationDirectory destinations, LiveProfiles profiles, ConsentPolicy consent, AudienceFiles files,
    IExportLedger ledger, TimeProvider time)
{
    /// <exception cref="ArgumentException">No file destination has that key.</exception>
    public async Task<MemberFile> WriteMemberFileAsync(
        string destinationKey, string segmentKey, IAsyncEnumerable<string> profileIds, CancellationToken cancellationToken) =>
        await WriteMemberFileAsync(destinationKey, segmentKey, profileIds, time.GetUtcNow(), cancellationToken);

    /// <param name="at">Names the file: a refresh passes its own time, so a retried step rewrites the same file.</param>
    public async Task<MemberFile> WriteMemberFileAsync(
        string destinationKey, string segmentKey, IAsyncEnumerable<string> profileIds, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileIds);
        ArgumentException.ThrowIfNullOrEmpty(segmentKey);
        var destination = destinations.Get(destinationKey) is { IsWebhook: false } found
            ? found
            : throw new ArgumentException($"{destinationKey} is not a file destination", nameof(destinationKey));
        var rows = new List<IReadOnlyList<MappedField>>();
        var members = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var profileId in profileIds.WithCancellation(cancellationToken))
        {
            if ((await profiles.ResolveAsync(profileId, cancellationToken))?.Value is { } profile
                && consent.FirstWithheld(profile, destination.Settings.Purposes) is null
                && seen.Add(profile.Id))
            {
                members.Add(profile.Id);
                rows.Add(destination.Mapping.Read(profile));
            }
        }

        var now = at;
        var file = await files.WriteMembersAsync(destination, segmentKey, rows, now, cancellationToken);
        for (var i = 0; i < members.Count; i++)
        {
            await ledger.RecordAsync(new ExportRecord($"{file.Path}:{members[i]}", members[i], destination.Key, now, file,
                Fields: rows[i].Select(f => f.Name).ToList(), Segment: segmentKey), cancellationToken);
        }

        return new MemberFile(file, members.Count);
    }
}
