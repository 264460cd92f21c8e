using System.ComponentModel.DataAnnotations;

namespace Cdp.Core.Segments;

/// <summary>
/// How the segment catalog and its scans behave, bound from <c>Cdp:Segments</c> (the language's settings share the
/// section; each class reads only its own keys).
/// </summary>
public sealed class SegmentCatalogOptions
{
    public const string SectionName = "Cdp:Segments";

    /// <summary>
    /// Longest a host trusts its loaded segments before reading the store again: saves through this host's API reload
    /// at once, saves on other instances (Azure) are seen within this many seconds.
    /// </summary>
    [Range(1, 3600, ErrorMessage = "Cdp:Segments:CatalogReloadSeconds must be from 1 to 3600")]
    public int CatalogReloadSeconds { get; set; } = 30;

    /// <summary>Profile ids a preview returns besides its count.</summary>
    [Range(0, 100, ErrorMessage = "Cdp:Segments:PreviewSampleSize must be from 0 to 100")]
    public int PreviewSampleSize { get; set; } = 20;

    /// <summary>Profile ids read per page of a scan (refresh, preview).</summary>
    [Range(1, 1000, ErrorMessage = "Cdp:Segments:ScanPageSize must be from 1 to 1000")]
    public int ScanPageSize { get; set; } = 200;
}
