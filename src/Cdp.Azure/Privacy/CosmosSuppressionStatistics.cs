using Cdp.Core.Privacy;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Privacy;

/// <summary>
/// The suppression summary from the <c>privacy</c> container: a count of the <c>suppress:</c> documents. Events dropped
/// because of them are not counted in Azure (answered as null): the Functions app's event processing keeps no counter,
/// and each drop is only logged ("carries a suppressed identifier", Information, with the message id) to Application Insights.
/// </summary>
internal sealed class CosmosSuppressionStatistics(Container container) : ISuppressionStatistics
{
    /// <summary>Cross-partition (every entry has its own); read only by the privacy API, never on the ingest path.</summary>
    internal const string CountQuery = "SELECT VALUE COUNT(1) FROM c WHERE c.kind = 'suppression'";

    public async Task<SuppressionSummary> ReadAsync(CancellationToken cancellationToken)
    {
        // Summed over pages: the SDK may hand a cross-partition aggregate back in more than one.
        var counts = await container.GetItemQueryIterator<long>(new QueryDefinition(CountQuery)).ReadAllAsync(cancellationToken);
        return new SuppressionSummary(counts.Sum(), SuppressedEvents: null);
    }
}
