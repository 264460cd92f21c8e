using Cdp.Core.Authorization;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="IAccessAuditLog"/> in memory: append-only, in order.</summary>
internal sealed class InMemoryAccessAuditLog : IAccessAuditLog
{
    private readonly Lock _gate = new();
    private readonly List<AccessAuditEntry> _entries = [];

    public IReadOnlyList<AccessAuditEntry> All
    {
        get
        {
            lock (_gate)
            {
                return _entries.ToList();
            }
        }
    }

    public Task AppendAsync(AccessAuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _entries.Add(entry);
        }

        return Task.CompletedTask;
    }
}
