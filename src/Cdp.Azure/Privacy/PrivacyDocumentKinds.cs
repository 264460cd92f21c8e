using System.Security.Cryptography;
using System.Text;

namespace Cdp.Azure.Privacy;

/// <summary>
/// The <c>privacy</c> container (partition key <c>/id</c>) holds three kinds of document, told apart by <c>kind</c>:
/// requests (id = the subject_request_id), suppression entries (id <c>suppress:{key}</c>) and audit entries
/// (id <c>audit:{sha256 of the entry id}</c>).
/// </summary>
internal static class PrivacyDocumentKinds
{
    public const string Request = "request";
    public const string Suppression = "suppression";
    public const string Audit = "audit";

    /// <summary>Cosmos DB ids are at most 255 characters and may not hold '/', '\', '?' or '#'.</summary>
    private const int MaxIdLength = 255;

    /// <summary>
    /// <paramref name="prefix"/> + <paramref name="value"/> when that is a valid Cosmos DB id, else <paramref name="prefix"/>
    /// + "~" + its SHA-256: a configured identifier type could hold a character ids forbid, and a look-up must still work.
    /// </summary>
    public static string SafeId(string prefix, string value)
    {
        var id = prefix + value;
        return id.Length <= MaxIdLength && id.AsSpan().IndexOfAny("/\\?#") < 0 ? id : prefix + "~" + Sha256(value);
    }

    public static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
