using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;

namespace Cdp.Local.Storage;

/// <summary>The opaque continuation token of keyset-paged tables: base64url of the last row's (ticks, id).</summary>
internal static class PageCursor
{
    public static string Format(long ticks, string id)
    {
        var bytes = new byte[8 + Encoding.UTF8.GetByteCount(id)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, ticks);
        Encoding.UTF8.GetBytes(id, bytes.AsSpan(8));
        return Base64Url.EncodeToString(bytes);
    }

    /// <exception cref="ArgumentException">The token was not made by <see cref="Format"/>.</exception>
    public static (long Ticks, string Id) Parse(string token)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            bytes = [];
        }

        return bytes.Length > 8
            ? (BinaryPrimitives.ReadInt64BigEndian(bytes), Encoding.UTF8.GetString(bytes.AsSpan(8)))
            : throw new ArgumentException("the continuation token was not issued by this store", nameof(token));
    }
}
