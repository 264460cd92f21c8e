using System.Collections.Concurrent;
using System.Text.Json;
using Cdp.Core.Privacy;
using Cdp.Core.Profiles;

namespace Cdp.Core.Tests.Privacy;

/// <summary>A profile store that runs <see cref="BeforeNextDelete"/> once, just before the next delete (a batch in flight, a crash).</summary>
internal sealed class HookedProfileStore
{
    public Func<Task>? BeforeNextDelete { get; set; }

    public IProfileStore Wrap(IProfileStore inner) => new Store(inner, this);

    private sealed class Store(IProfileStore inner, HookedProfileStore hook) : IProfileStore
    {
        public Task<Versioned<Profile>?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public Task<string> CreateAsync(Profile profile, CancellationToken cancellationToken) => inner.CreateAsync(profile, cancellationToken);

        public Task<string> ReplaceAsync(Profile profile, string etag, CancellationToken cancellationToken) =>
            inner.ReplaceAsync(profile, etag, cancellationToken);

        public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
        {
            if (hook.BeforeNextDelete is { } before)
            {
                hook.BeforeNextDelete = null;
                await before();
            }

            return await inner.DeleteAsync(id, cancellationToken);
        }
    }
}

/// <summary>A document area that refuses certificates while <see cref="Fail"/> is set (a storage outage).</summary>
internal sealed class FailingCertificates
{
    public bool Fail { get; set; } = true;

    public IDocumentArea Wrap(IDocumentArea inner) => new Area(inner, this);

    private sealed class Area(IDocumentArea inner, FailingCertificates outage) : IDocumentArea
    {
        public Task WriteAsync(string area, string path, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken) =>
            outage.Fail && area == DocumentAreas.Certificates
                ? throw new IOException("certificates container unavailable")
                : inner.WriteAsync(area, path, content, contentType, cancellationToken);

        public Task<byte[]?> ReadAsync(string area, string path, CancellationToken cancellationToken) => inner.ReadAsync(area, path, cancellationToken);

        public Task<bool> DeleteAsync(string area, string path, CancellationToken cancellationToken) => inner.DeleteAsync(area, path, cancellationToken);

        public Task<IReadOnlyList<string>> ListAsync(string area, string prefix, CancellationToken cancellationToken) =>
            inner.ListAsync(area, prefix, cancellationToken);
    }
}

/// <summary>Another feature's per-profile records (say segment memberships), for the erasure and access tests.</summary>
internal sealed class FakeProfileRecords(string name) : IProfileRecordSource
{
    private readonly ConcurrentDictionary<string, List<JsonElement>> _records = new(StringComparer.Ordinal);

    public string Name => name;

    public void Add(string profileId, string json) =>
        _records.GetOrAdd(profileId, _ => []).Add(JsonDocument.Parse(json).RootElement.Clone());

    public IReadOnlyList<JsonElement> Of(string profileId) => _records.TryGetValue(profileId, out var list) ? list : [];

    public Task<IReadOnlyList<JsonElement>> ReadAsync(string profileId, CancellationToken cancellationToken) => Task.FromResult(Of(profileId));

    public Task<int> EraseAsync(string profileId, CancellationToken cancellationToken) =>
        Task.FromResult(_records.TryRemove(profileId, out var list) ? list.Count : 0);
}
