using System.Globalization;
using System.Security.Cryptography;

namespace Cdp.Local.Storage;

/// <summary>
/// ETags of SQLite rows: an integer version that grows by one per write. A new row starts at a random
/// value, so a row deleted and created again never reissues an ETag a stale reader still holds.
/// </summary>
internal static class RowETag
{
    public static long First() => RandomNumberGenerator.GetInt32(1, int.MaxValue);

    public static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>An ETag this store did not issue matches no row, which callers see as a conflict.</summary>
    public static long Parse(string etag) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1;
}
