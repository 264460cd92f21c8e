using Cdp.Core.Segments;
using Cdp.Local.Storage;

namespace Cdp.Local.Segments;

/// <summary>A refresh page's writes in one transaction: they commit (and reach the disk) once, or not at all.</summary>
public sealed class SqliteRefreshWriteScope(SqliteDatabase database) : IRefreshWriteScope
{
    public Task RunAsync(Func<Task> writes, CancellationToken cancellationToken) => database.RunInTransactionAsync(writes, cancellationToken);
}
