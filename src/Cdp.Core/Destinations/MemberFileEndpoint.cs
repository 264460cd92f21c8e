using Cdp.Core.Http;
using Cdp.Core.Segments;
using Microsoft.AspNetCore.Http;

namespace Cdp.Core.Destinations;

/// <summary>
/// <c>POST /api/destinations/{key}/files?segment={segmentKey}</c>: writes a segment's full member file for a file
/// destination now (the refresh writes one too), answering where it is and how many members it holds.
/// </summary>
public sealed class MemberFileEndpoint(DestinationDirectory destinations, SegmentCatalog catalog, MemberFileExport export, TimeProvider time)
{
    public async Task<HttpAnswer> WriteAsync(string key, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (destinations.Get(key) is not { } destination)
        {
            return HttpAnswer.Error(StatusCodes.Status404NotFound, $"no destination {key} is configured (Cdp:Destinations:{key})");
        }

        if (destination.IsWebhook)
        {
            return HttpAnswer.Error(StatusCodes.Status400BadRequest, $"{key} is a webhook destination; member files are written for file destinations");
        }

        if (request.Query["segment"].ToString() is not { Length: > 0 } segmentKey)
        {
            return HttpAnswer.Error(StatusCodes.Status400BadRequest, "name the segment: ?segment={key}");
        }

        if ((await catalog.GetAsync(cancellationToken)).GetValueOrDefault(segmentKey) is not { } segment)
        {
            return HttpAnswer.Error(StatusCodes.Status404NotFound, $"no segment {segmentKey}");
        }

        if (!segment.Document.Destinations.Contains(key, StringComparer.Ordinal))
        {
            // Only a segment that activates the destination may fill it: that is what its owner agreed to send there.
            return HttpAnswer.Error(StatusCodes.Status400BadRequest, $"segment {segmentKey} does not list destination {key}");
        }

        var written = await export.ExportAsync(destination, segmentKey, time.GetUtcNow(), cancellationToken);
        return HttpAnswer.Json(StatusCodes.Status201Created, w =>
        {
            w.WriteString("destination", key);
            w.WriteString("segment", segmentKey);
            w.WriteString("area", written.File.Area);
            w.WriteString("path", written.File.Path);
            w.WriteNumber("members", written.Members);
        });
    }
}
