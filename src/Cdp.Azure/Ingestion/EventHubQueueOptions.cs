using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Cdp.Azure.Ingestion;

/// <summary>
/// Where ingest sends accepted events, bound from the same <c>EventHubConnection</c> section the Event Hubs trigger
/// reads, so one setting points both at the namespace (<c>EventHubConnection__fullyQualifiedNamespace</c>). For the
/// Event Hubs emulator the trigger's setting <c>EventHubConnection</c> is a connection string instead; the producer then
/// uses it too (<see cref="ConnectionString"/>). In Azure there is no connection string: the app signs in.
/// </summary>
public sealed class EventHubQueueOptions
{
    public const string SectionName = EventHub.Connection;

    [RegularExpression(@"^[A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9]$", ErrorMessage = "EventHubConnection:fullyQualifiedNamespace must be a host name such as mynamespace.servicebus.windows.net (no scheme, no path, no connection string)")]
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>
    /// Client id of the user-assigned identity the trigger signs in with (<c>EventHubConnection__clientId</c>).
    /// When it names another identity than <c>Cdp:Azure:ManagedIdentityClientId</c>, the producer signs in as this one
    /// too, so sending and receiving never need different role assignments.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>The value of <c>EventHubConnection</c> itself when it is a connection string (emulator only); not bound from a key.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>One of the two ways to reach the hub must be set; both is a mistake worth naming.</summary>
internal sealed class EventHubQueueOptionsValidator : IValidateOptions<EventHubQueueOptions>
{
    public ValidateOptionsResult Validate(string? name, EventHubQueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var byName = !string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace);
        var byString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        return (byName, byString) switch
        {
            (false, false) => ValidateOptionsResult.Fail("EventHubConnection:fullyQualifiedNamespace (app setting EventHubConnection__fullyQualifiedNamespace) is required: the Event Hubs namespace host name, e.g. mynamespace.servicebus.windows.net (for the emulator only: EventHubConnection set to its connection string)"),
            (true, true) => ValidateOptionsResult.Fail("Set only one of EventHubConnection:fullyQualifiedNamespace and the EventHubConnection connection string"),
            _ => ValidateOptionsResult.Success,
        };
    }
}
