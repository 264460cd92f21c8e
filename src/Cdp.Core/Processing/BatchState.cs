using Cdp.Core.Events;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;

namespace Cdp.Core.Processing;

/// <summary>
/// What one batch has read and decided so far, shared by its steps: each profile is read once and every event of
/// the batch that resolves to it is applied to that one copy, which is then written once.
/// </summary>
internal sealed class BatchState
{
    /// <summary>Identity id → profile id, as read from the index or decided earlier in this batch.</summary>
    public Dictionary<string, string> Links { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PendingProfile> Profiles { get; } = new(StringComparer.Ordinal);

    /// <summary>Identity ids the store had no link for when the batch began (read by <see cref="BatchPrefetch"/>).</summary>
    public HashSet<string> Unlinked { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Profiles as the store held them when the batch began, by id (null: no profile with that id), read by
    /// <see cref="BatchPrefetch"/>. Only a read cache: a profile the batch changes is in <see cref="Profiles"/>.
    /// </summary>
    public Dictionary<string, Versioned<Profile>?> StoredProfiles { get; } = new(StringComparer.Ordinal);

    /// <summary>By instance id, so a merge several events ask for is requested once.</summary>
    public Dictionary<string, MergeRequest> MergeRequests { get; } = new(StringComparer.Ordinal);

    public int Conflicts { get; set; }

    /// <summary>
    /// Drops what was read before the first event, once the events are resolved. The batch writes nothing while it
    /// resolves, so until then those reads are as good as reading each document when first needed (a concurrent
    /// writer is caught by the ETag check on write, as before); once writing starts they are stale, and a lost race
    /// must read the store again.
    /// </summary>
    public void ForgetStoredReads()
    {
        Unlinked.Clear();
        StoredProfiles.Clear();
    }
}

/// <summary>One person's profile as this batch will write it, with the events applied to it and the links it still owes.</summary>
internal sealed class PendingProfile
{
    public Profile? Profile { get; set; }

    /// <summary>Null while the profile has never been written: the write is then a create.</summary>
    public string? ETag { get; set; }

    /// <summary>In arrival order, so that a re-apply after a lost race decides exactly as the first pass did.</summary>
    public List<(SegmentEvent Event, List<HashedIdentifier> Ids)> Events { get; } = [];

    public List<string> NewLinks { get; } = [];
}
