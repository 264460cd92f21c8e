using System.Collections.Concurrent;
using Cdp.Core.Privacy;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="IDocumentArea"/> in memory, keyed "{area}/{path}"; bytes are copied in and out.</summary>
internal sealed class InMemoryDocumentArea : IDocumentArea
{
    private readonly ConcurrentDictionary<string, (byte[] Content, string ContentType)> _files = new(StringComparer.Ordinal);

    /// <summary>Every file as "{area}/{path}".</summary>
    public IReadOnlyCollection<string> Paths => _files.Keys.ToList();

    public IReadOnlyList<byte[]> StoredBytes => _files.Values.Select(f => f.Content).ToList();

    public Task WriteAsync(string area, string path, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _files[Key(area, path)] = (content.ToArray(), contentType);
        return Task.CompletedTask;
    }

    public Task<byte[]?> ReadAsync(string area, string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_files.TryGetValue(Key(area, path), out var file) ? (byte[]?)file.Content.ToArray() : null);
    }

    public Task<bool> DeleteAsync(string area, string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_files.TryRemove(Key(area, path), out _));
    }

    public Task<IReadOnlyList<string>> ListAsync(string area, string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        cancellationToken.ThrowIfCancellationRequested();
        var start = Key(area, prefix);
        IReadOnlyList<string> paths = _files.Keys.Where(k => k.StartsWith(start, StringComparison.Ordinal))
            .Select(k => k[(area.Length + 1)..]).Order(StringComparer.Ordinal).ToList();
        return Task.FromResult(paths);
    }

    private static string Key(string area, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(area);
        ArgumentNullException.ThrowIfNull(path);
        return area + "/" + path;
    }
}
