using System.Collections.Concurrent;
using Cdp.Core.Ingestion;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="ISourceDirectory"/> in memory: write key → source, compared exactly (keys are secrets, not names).</summary>
internal sealed class InMemorySourceDirectory : ISourceDirectory
{
    private readonly ConcurrentDictionary<string, Source> _sources = new(StringComparer.Ordinal);

    public InMemorySourceDirectory()
    {
    }

    public InMemorySourceDirectory(string writeKey, Source source) => Add(writeKey, source);

    public InMemorySourceDirectory Add(string writeKey, Source source)
    {
        ArgumentException.ThrowIfNullOrEmpty(writeKey);
        ArgumentNullException.ThrowIfNull(source);
        _sources[writeKey] = source;
        return this;
    }

    public Task<Source?> FindByWriteKeyAsync(string writeKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writeKey);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_sources.TryGetValue(writeKey, out var source) ? source : null);
    }
}
