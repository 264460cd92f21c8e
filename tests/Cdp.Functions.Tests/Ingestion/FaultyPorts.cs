using System.Text;
using Cdp.Core.Ingestion;

namespace Cdp.Functions.Tests.Ingestion;

/// <summary>A dedup store whose first look-ups fail with the exceptions <paramref name="failure"/> gives for each call number (1-based), until it gives null.</summary>
internal sealed class FlakyDedupStore(IDedupStore inner, Func<int, Exception?> failure) : IDedupStore
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task<IReadOnlySet<string>> FindProcessedAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) =>
        failure(Interlocked.Increment(ref _calls)) is { } ex ? throw ex : inner.FindProcessedAsync(messageIds, cancellationToken);

    public Task MarkProcessedAsync(IReadOnlyCollection<string> messageIds, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        inner.MarkProcessedAsync(messageIds, expiresAt, cancellationToken);
}

/// <summary>A raw archive that can never store a batch holding one particular user's event: that event is poison.</summary>
internal sealed class PoisonArchive(IRawEventArchive inner, string poisonUserId) : IRawEventArchive
{
    private readonly string _marker = $"\"userId\":\"{poisonUserId}\"";

    public Task WriteAsync(string path, ReadOnlyMemory<byte> ndjson, CancellationToken cancellationToken) =>
        Encoding.UTF8.GetString(ndjson.Span).Contains(_marker, StringComparison.Ordinal)
            ? throw new InvalidOperationException("this event breaks the archive writer")
            : inner.WriteAsync(path, ndjson, cancellationToken);

    public Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken) => inner.ReadAsync(path, cancellationToken);
}
