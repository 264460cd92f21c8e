using System.Security.Cryptography;
using System.Text;

namespace Cdp.Core.Destinations;

/// <summary>
/// The <c>webhook-id</c> of a POST. A batch of one carries its delivery id (the ADR's rule); a larger batch an id derived
/// from its delivery ids, so the same batch retried carries the same id. Each event's <c>messageId</c> is its delivery
/// id whatever the batch, and stays the receiver's key for idempotency when a retried batch is made up differently.
/// </summary>
public static class WebhookIds
{
    public static string ForBatch(IEnumerable<string> deliveryIds)
    {
        ArgumentNullException.ThrowIfNull(deliveryIds);
        var ids = deliveryIds.Order(StringComparer.Ordinal).ToList();
        return ids.Count == 1
            ? ids[0]
            : "batch_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', ids))))[..32];
    }
}
