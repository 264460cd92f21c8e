
namespace Cdp.Core.Segments;

/// <summary>How a save went.</summary>
public enum SegmentSaveStatus
{
    Created,
    Updated,
    Invalid,
    Conflict,
}

public sealed record SegmentSaveResult(SegmentSaveStatus Status, SegmentDocument? Segment, IReadOnlyList<SegmentProblem> Problems);

/// <summary>
/// Saves and deletes segment definitions: checks them (key, name, destinations, the compiled definition), writes them
/// with the ETag read, and reloads the catalog so this host evaluates the new definition from the next write on.
/// </summary>
public sealed class SegmentDefinitions(
    ISegmentStore store, ISegmentMembers members, SegmentCatalog catalog, IDestinationDirectory destinations, TimeProvider time)
{
    private const int MaxAttempts = 5;

    public async Task<SegmentSaveResult> SaveAsync(string key, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var (request, problems) = SegmentRequest.Parse(key, body, catalog.Compiler, destinations);
        if (request is null)
        {
            return new(SegmentSaveStatus.Invalid, null, problems);
        }

        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var now = time.GetUtcNow();
            var existing = await store.GetAsync(key, cancellationToken);
            var document = new SegmentDocument(key, request.Name, request.Definition, request.Destinations, existing?.Value.CreatedAt ?? now, now);
            try
            {
                if (existing is { ETag: var etag })
                {
                    await store.ReplaceAsync(document, etag, cancellationToken);
                }
                else
                {
                    await store.CreateAsync(document, cancellationToken);
                }
            }
            catch (ConcurrencyConflictException)
            {
                // Saved by someone else meanwhile: the last save wins, as with a PUT that came a moment later.
                continue;
            }

            await catalog.ReloadAsync(cancellationToken);
            return new(existing is null ? SegmentSaveStatus.Created : SegmentSaveStatus.Updated, document, []);
        }

        return new(SegmentSaveStatus.Conflict, null, [new("$", $"segment {key} kept changing during {MaxAttempts} attempts; try again")]);
    }

    /// <summary>
    /// Deletes the segment and its index rows. Profiles drop their standing when next evaluated (a write or the refresh),
    /// which tells the destinations that held them that they left.
    /// </summary>
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(key, cancellationToken))
        {
            return false;
        }

        await members.RemoveSegmentAsync(key, cancellationToken);
        await catalog.ReloadAsync(cancellationToken);
        return true;
    }
}
