using System.Globalization;
using Cdp.Core;
using Cdp.Core.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Bench;

/// <summary>
/// Not a store: every read finds nothing and every write is dropped, so each batch starts its people's profiles
/// afresh (as it repairs a profile lost in a crash) and no profile is ever parsed, serialized or kept.
/// <c>ingest --profiles none</c> runs the pipeline over it to show what the rest of the pipeline allows — identity,
/// timelines, dedup, the raw archive, intake — when profiles cost nothing: the ceiling no change to how profiles are
/// kept can pass. (Keeping the objects instead, unparsed, was slower: 20,000 people's live objects made the
/// collector's work and every step's cache misses grow.)
/// </summary>
internal sealed class NoProfileStore : IProfileStore
{
    private long _lastETag;

    /// <summary>For <c>replacePorts</c>: this instead of the store the host registered.</summary>
    public static void ReplaceStore(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<IProfileStore, NoProfileStore>());

    /// <summary>How a figure measured over this store says so, so nobody takes it for a store's figure.</summary>
    public static string Label(bool none) => none ? ", no profile store (ceiling)" : "";

    public Task<Versioned<Profile>?> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult<Versioned<Profile>?>(null);

    public Task<IReadOnlyDictionary<string, Versioned<Profile>>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, Versioned<Profile>>>(new Dictionary<string, Versioned<Profile>>());

    public Task<string> CreateAsync(Profile profile, CancellationToken cancellationToken) => Task.FromResult(NextETag());

    public Task<string> ReplaceAsync(Profile profile, string etag, CancellationToken cancellationToken) => Task.FromResult(NextETag());

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => Task.FromResult(false);

    private string NextETag() => Interlocked.Increment(ref _lastETag).ToString(CultureInfo.InvariantCulture);
}
