using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Cdp.Core.Ingestion;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="IDeadLetterArchive"/> in memory, keyed like the blob one (by the message text), so a repeat overwrites.</summary>
internal sealed class InMemoryDeadLetterArchive : IDeadLetterArchive
{
    private readonly ConcurrentDictionary<string, DeadLetter> _letters = new(StringComparer.Ordinal);
    private int _writes;

    /// <summary>Every dead letter, in no particular order.</summary>
    public IReadOnlyList<DeadLetter> All => [.. _letters.Values];

    /// <summary>How many writes were made, repeats included.</summary>
    public int Writes => Volatile.Read(ref _writes);

    public Task WriteAsync(DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        cancellationToken.ThrowIfCancellationRequested();
        _letters[Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deadLetter.Message)))] = deadLetter;
        Interlocked.Increment(ref _writes);
        return Task.CompletedTask;
    }
}
