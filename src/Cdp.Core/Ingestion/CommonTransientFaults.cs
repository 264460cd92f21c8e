namespace Cdp.Core.Ingestion;

/// <summary>
/// The transient failures any host meets: timeouts, network and I/O errors. Hosts with storage SDKs add theirs
/// (the Azure adapters know Cosmos DB, Blob and Event Hubs status codes).
/// </summary>
public class CommonTransientFaults : ITransientFaults
{
    public virtual bool IsTransient(Exception exception) => exception switch
    {
        null => throw new ArgumentNullException(nameof(exception)),
        TimeoutException or HttpRequestException or IOException => true,

        // A cancellation that reaches here was not the invocation's own (that one is handled before asking): it is
        // a client-side timeout, which HttpClient and the storage SDKs report as a cancelled task.
        OperationCanceledException => true,
        _ => false,
    };
}
