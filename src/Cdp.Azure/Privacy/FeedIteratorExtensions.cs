using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Privacy;

internal static class FeedIteratorExtensions
{
    /// <summary>Every result of a query, page after page (for queries whose result is small by nature).</summary>
    public static async Task<List<T>> ReadAllAsync<T>(this FeedIterator<T> iterator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(iterator);
        var items = new List<T>();
        using (iterator)
        {
            while (iterator.HasMoreResults)
            {
                items.AddRange(await iterator.ReadNextAsync(cancellationToken));
            }
        }

        return items;
    }
}
