using System.Globalization;

namespace Cdp.Core.Ingestion;

/// <summary>The landing archive layout: <c>yyyy/MM/dd/HH/{batchId}.ndjson</c> by UTC hour.</summary>
public static class RawArchivePath
{
    public static string For(DateTimeOffset receivedAt, string batchId) =>
        receivedAt.UtcDateTime.ToString("yyyy/MM/dd/HH/", CultureInfo.InvariantCulture) + batchId + ".ndjson";
}
