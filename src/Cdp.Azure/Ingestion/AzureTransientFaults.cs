using System.Net;
using Azure;
using Azure.Messaging.EventHubs;
using Cdp.Core.Ingestion;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Ingestion;

/// <summary>
/// Core's transient failures plus what the Azure SDKs report once their own retries are spent: a store that is
/// throttling, moving a partition or briefly unavailable. Waiting these out is right; counting them against a message
/// would dead-letter good events during an outage.
/// </summary>
internal sealed class AzureTransientFaults : CommonTransientFaults
{
    public override bool IsTransient(Exception exception) => exception switch
    {
        CosmosException cosmos => IsTransientCosmos(cosmos.StatusCode),
        RequestFailedException request => IsTransientStatus(request.Status),
        EventHubsException hub => hub.IsTransient,
        _ => base.IsTransient(exception),
    };

    /// <summary>408 timeout, 410 gone (partition moved), 429 throttled, 449 retry with, 500, 503.</summary>
    private static bool IsTransientCosmos(HttpStatusCode status) =>
        (int)status is 408 or 410 or 429 or 449 or 500 or 503;

    /// <summary>Status 0: no response at all (the connection failed); 408, 429 and any 5xx.</summary>
    private static bool IsTransientStatus(int status) => status is 0 or 408 or 429 or >= 500 and < 600;
}
