using System.Runtime.CompilerServices;
using Cdp.Core.Segments;

namespace Cdp.Core.Destinations;

/// <summary>
/// Full member files for file destinations, from the members index: one segment on demand (the API), or every segment
/// that lists a file destination at the end of each refresh. Consent and mapping are applied by <see cref="MemberFiles"/>.
/// </summary>
public sealed class MemberFileExport(DestinationDirectory destinations, SegmentCatalog catalog, ISegmentMembers members, MemberFiles files)
{
    private const int PageSize = 500;

    /// <summary>The file destinations and, for each, the segments that list it, as the catalog has them now.</summary>
    public async Task<IReadOnlyList<(Destination Destination, string SegmentKey)>> PlanAsync(CancellationToken cancellationToken)
    {
        var segments = await catalog.GetAsync(cancellationToken);
        return
        [
            .. from destination in destinations.Destinations
               where !destination.IsWebhook
               from segment in segments.Values.OrderBy(s => s.Key, StringComparer.Ordinal)
               where segment.Document.Destinations.Contains(destination.Key, StringComparer.Ordinal)
               select (destination, segment.Key),
        ];
    }

    public Task<MemberFile> ExportAsync(Destination destination, string segmentKey, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return files.WriteMemberFileAsync(destination.Key, segmentKey, MembersAsync(segmentKey, cancellationToken), at, cancellationToken);
    }

    private async IAsyncEnumerable<string> MembersAsync(string segmentKey, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continuation = null;
        do
        {
            var page = await members.PageAsync(segmentKey, PageSize, continuation, cancellationToken);
            foreach (var member in page.Members)
            {
                yield return member.ProfileId;
            }

            continuation = page.Continuation;
        }
        while (continuation is not null);
    }
}
