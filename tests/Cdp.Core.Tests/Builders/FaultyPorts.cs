using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;

namespace Cdp.Core.Tests.Builders;

/// <summary>A dedup store whose next MarkProcessedAsync fails: the process "dies" after the profiles were written.</summary>
internal sealed class CrashingDedupStore(IDedupStore inner) : IDedupStore
{
    private int _crashes;

    public void CrashOnNextMark() => Interlocked.Increment(ref _crashes);

    public Task<IReadOnlySet<string>> FindProcessedAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) =>
        inner.FindProcessedAsync(messageIds, cancellationToken);

    public Task MarkProcessedAsync(IReadOnlyCollection<string> messageIds, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _crashes, 0) > 0)
        {
            throw new SimulatedCrashException();
        }

        return inner.MarkProcessedAsync(messageIds, expiresAt, cancellationToken);
    }
}

/// <summary>A profile store where another writer changes the profile between our read and our write, once.</summary>
internal sealed class RacingProfileStore(IProfileStore inner) : IProfileStore
{
    private Func<Profile, Profile>? _rivalEdit;

    public int Conflicts { get; private set; }

    /// <summary>Before the next replace, a rival reads the stored profile, applies <paramref name="edit"/> and writes it.</summary>
    public void RivalWritesBeforeNextReplace(Func<Profile, Profile> edit) => _rivalEdit = edit;

    public Task<Versioned<Profile>?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public Task<string> CreateAsync(Profile profile, CancellationToken cancellationToken) => inner.CreateAsync(profile, cancellationToken);

    public async Task<string> ReplaceAsync(Profile profile, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (Interlocked.Exchange(ref _rivalEdit, null) is { } edit)
        {
            var stored = (await inner.GetAsync(profile.Id, cancellationToken))!.Value;
            await inner.ReplaceAsync(edit(stored.Value), stored.ETag, cancellationToken);
        }

        try
        {
            return await inner.ReplaceAsync(profile, etag, cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            Conflicts++;
            throw;
        }
    }
}

/// <summary>An identity index whose next TryCreateAsync fails: the process "dies" between writing a profile and linking it.</summary>
internal sealed class CrashingIdentityIndex(IIdentityIndex inner) : IIdentityIndex
{
    private int _crashes;

    public void CrashOnNextCreate() => Interlocked.Increment(ref _crashes);

    public Task<Versioned<IdentityLink>?> GetAsync(string identityId, CancellationToken cancellationToken) =>
        inner.GetAsync(identityId, cancellationToken);

    public Task<bool> TryCreateAsync(IdentityLink link, CancellationToken cancellationToken) =>
        Interlocked.Exchange(ref _crashes, 0) > 0
            ? throw new SimulatedCrashException()
            : inner.TryCreateAsync(link, cancellationToken);

    public Task<string> ReplaceAsync(IdentityLink link, string etag, CancellationToken cancellationToken) =>
        inner.ReplaceAsync(link, etag, cancellationToken);

    public Task<bool> DeleteAsync(string identityId, string? etag, CancellationToken cancellationToken) =>
        inner.DeleteAsync(identityId, etag, cancellationToken);
}

internal sealed class SimulatedCrashException() : Exception("simulated crash after the profiles were written");
