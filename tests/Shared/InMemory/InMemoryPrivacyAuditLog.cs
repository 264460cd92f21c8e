using Cdp.Core.Privacy;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="IPrivacyAuditLog"/> in memory: append-only, an entry whose id exists is ignored.</summary>
internal sealed class InMemoryPrivacyAuditLog : IPrivacyAuditLog
{
    private readonly Lock _gate = new();
    private readonly List<PrivacyAuditEntry> _entries = [];

    public IReadOnlyList<PrivacyAuditEntry> All
    {
        get
        {
            lock (_gate)
            {
                return _entries.ToList();
            }
        }
    }

    public Task AppendAsync(PrivacyAuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_entries.Exists(e => e.Id == entry.Id))
            {
                _entries.Add(entry);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PrivacyAuditEntry>> ListAsync(string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<PrivacyAuditEntry> found = _entries.Where(e => e.RequestId == requestId).ToList();
            return Task.FromResult(found);
        }
    }
}
