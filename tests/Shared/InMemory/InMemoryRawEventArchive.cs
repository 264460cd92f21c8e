using System.Collections.Concurrent;
using Cdp.Core.Ingestion;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="IRawEventArchive"/> in memory; bytes are copied in and out so nobody can change a landed file.</summary>
internal sealed class InMemoryRawEventArchive : IRawEventArchive
{
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Paths => _files.Keys.ToList();

    public Task WriteAsync(string path, ReadOnlyMemory<byte> ndjson, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        cancellationToken.ThrowIfCancellationRequested();
        _files[path] = ndjson.ToArray();
        return Task.CompletedTask;
    }

    public Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_files.TryGetValue(path, out var bytes) ? (byte[]?)bytes.ToArray() : null);
    }

    /// <summary>Deletes a file (tests of erasure rewriting blobs).</summary>
    public bool Remove(string path) => _files.TryRemove(path, out _);
}
