namespace Cdp.Core.Segments;

/// <summary>
/// Port: runs the writes of one page of a refresh (profile replaces, deliveries, members index rows) so they commit
/// together where the store can. Locally that is one SQLite transaction, one flush to disk for the page instead of one
/// per write, which is most of what a first refresh of a million profiles costs. The default (Cosmos DB has no
/// transaction across partitions) runs them as they come; a page's writes are idempotent either way.
/// </summary>
public interface IRefreshWriteScope
{
    Task RunAsync(Func<Task> writes, CancellationToken cancellationToken);
}

internal sealed class DirectRefreshWriteScope : IRefreshWriteScope
{
    public Task RunAsync(Func<Task> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        return writes();
    }
}
