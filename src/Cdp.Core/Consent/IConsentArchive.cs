using System.Security.Cryptography;
using System.Text.Json;
using Cdp.Core.Profiles;

namespace Cdp.Core.Consent;

/// <summary>
/// Port: a profile's older consent changes, kept as records of their own once the profile document holds only the
/// newest <see cref="ConsentHistoryLimits.InDocument"/> (see <see cref="ConsentHistoryArchiver"/>). Nothing in it expires.
/// </summary>
public interface IConsentArchive
{
    /// <summary>
    /// Stores the entries under the profile. Idempotent: an entry's record id is <see cref="ConsentArchiveIds.EntryId"/>, so an
    /// entry appended twice (a retried write, a merge copied again) is stored once.
    /// </summary>
    Task AppendAsync(string profileId, IReadOnlyList<ConsentHistoryEntry> entries, CancellationToken cancellationToken);

    /// <summary>The profile's archived entries, oldest first (by <see cref="ConsentHistoryEntry.At"/>, then record id).</summary>
    Task<IReadOnlyList<ConsentHistoryEntry>> ListAsync(string profileId, CancellationToken cancellationToken);

    /// <summary>Deletes the profile's archived entries (erasure, a merged-away profile); returns how many went. Idempotent.</summary>
    Task<int> DeleteAllAsync(string profileId, CancellationToken cancellationToken);
}

/// <summary>The record id every archive gives an entry: the same change of the same profile always gets the same id.</summary>
public static class ConsentArchiveIds
{
    /// <summary>
    /// SHA-256 (first 128 bits, hex) of the profile id and every field of the entry, the time as its UTC instant (two
    /// spellings of one instant are one change, as the entries' equality says).
    /// </summary>
    public static string EntryId(string profileId, ConsentHistoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        ArgumentNullException.ThrowIfNull(entry);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            // A JSON array keeps the fields apart: no value can pass for the boundary between two others.
            writer.WriteStartArray();
            writer.WriteStringValue(profileId);
            writer.WriteStringValue(entry.Purpose);
            writer.WriteBooleanValue(entry.Granted);
            writer.WriteNumberValue(entry.At.UtcTicks);
            writer.WriteStringValue(entry.Source);
            writer.WriteStringValue(entry.MessageId);
            writer.WriteEndArray();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length))[..16]);
    }

    /// <summary>Order of archived entries: oldest first, the record id breaking ties so every store lists them alike.</summary>
    public static IEnumerable<ConsentHistoryEntry> Ordered(string profileId, IEnumerable<ConsentHistoryEntry> entries) =>
        entries.OrderBy(e => e.At).ThenBy(e => EntryId(profileId, e), StringComparer.Ordinal);
}
