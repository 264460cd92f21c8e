namespace Cdp.Tests.InMemory;

/// <summary>A document's bytes with the ETag of the write that produced them. Reference equality on purpose:
/// compare-and-swap must see any newer write as different.</summary>
internal sealed class StoredDocument(byte[] json, string etag)
{
    public byte[] Json { get; } = json;
    public string ETag { get; } = etag;
}

/// <summary>Hands out ETags that are never reused within one store.</summary>
internal sealed class ETagSequence
{
    private long _last;

    public string Next() => "\"" + Interlocked.Increment(ref _last).ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"";
}
