using Cdp.Core.Profiles;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Segments;

/// <summary>How many profiles a definition would hold now, and a few of their ids.</summary>
public sealed record SegmentPreviewResult(long Count, IReadOnlyList<string> Sample);

/// <summary>Evaluates an unsaved definition over every live profile (a full scan: meant for a marketer's check, not a hot path).</summary>
public sealed class SegmentPreview(IProfileScan scan, IProfileStore profiles, IOptions<SegmentCatalogOptions> options, TimeProvider time)
{
    public async Task<SegmentPreviewResult> RunAsync(CompiledSegment segment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var settings = options.Value;
        var now = time.GetUtcNow();
        var count = 0L;
        var sample = new List<string>();
        foreach (var shard in await scan.ListShardsAsync(cancellationToken))
        {
            string? continuation = null;
            do
            {
                var page = await scan.ReadAsync(shard, settings.ScanPageSize, continuation, cancellationToken);
                foreach (var id in page.ProfileIds)
                {
                    if (await profiles.GetAsync(id, cancellationToken) is { Value: { MergedInto: null } profile } && segment.Matches(profile, now))
                    {
                        count++;
                        if (sample.Count < settings.PreviewSampleSize)
                        {
                            sample.Add(profile.Id);
                        }
                    }
                }

                continuation = page.Continuation;
            }
            while (continuation is not null);
        }

        return new SegmentPreviewResult(count, sample);
    }
}
