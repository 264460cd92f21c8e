using System.Collections.Concurrent;
using Cdp.Core.Privacy;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="IPrivacyStatusNotifier"/> that records the changes it was asked to deliver.</summary>
internal sealed class InMemoryPrivacyStatusNotifier : IPrivacyStatusNotifier
{
    private readonly ConcurrentQueue<PrivacyStatusChange> _sent = new();

    public IReadOnlyList<PrivacyStatusChange> Sent => _sent.ToList();

    public Task NotifyAsync(PrivacyStatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        cancellationToken.ThrowIfCancellationRequested();
        _sent.Enqueue(change);
        return Task.CompletedTask;
    }
}
