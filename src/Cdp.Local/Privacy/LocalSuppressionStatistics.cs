using Cdp.Core.Privacy;

namespace Cdp.Local.Privacy;

/// <summary>
/// The suppression summary from SQLite: entries in the suppression table, and the events the outbox processor dropped
/// because of them (<see cref="SuppressedEventCount"/>, counted in the same transaction as the batch).
/// </summary>
public sealed class LocalSuppressionStatistics(SqliteSuppressionList suppressions, SuppressedEventCount suppressed) : ISuppressionStatistics
{
    public Task<SuppressionSummary> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new SuppressionSummary(suppressions.Count(), suppressed.Read()));
    }
}
