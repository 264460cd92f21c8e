using System.Collections.Concurrent;
using Cdp.Core.Privacy;

namespace Cdp.Tests.InMemory;

/// <summary><see cref="IExportLedger"/> in memory: records by id.</summary>
internal sealed class InMemoryExportLedger : IExportLedger
{
    private readonly ConcurrentDictionary<string, ExportRecord> _records = new(StringComparer.Ordinal);

    public IReadOnlyList<ExportRecord> All => _records.Values.ToList();

    public Task RecordAsync(ExportRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        _records[record.Id] = record;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ExportRecord>> ListByProfileAsync(string profileId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileId);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<ExportRecord> found = _records.Values.Where(r => r.ProfileId == profileId)
            .OrderBy(r => r.ExportedAt).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        return Task.FromResult(found);
    }
}
