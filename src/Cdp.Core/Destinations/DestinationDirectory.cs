using Microsoft.Extensions.Options;
using Cdp.Core.Segments;

namespace Cdp.Core.Destinations;

/// <summary>A configured destination as the pump uses it: settings plus the mapping parsed once.</summary>
public sealed record Destination(string Key, DestinationSettings Settings, FieldMapping Mapping)
{
    public bool IsWebhook => Settings.Type == DestinationTypes.Webhook;
}

/// <summary>The destinations of <c>Cdp:Destinations</c> (validated at start-up), in key order.</summary>
public sealed class DestinationDirectory : IDestinationDirectory
{
    private readonly Dictionary<string, Destination> _byKey;

    public DestinationDirectory(IOptions<DestinationsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _byKey = options.Value.Destinations.ToDictionary(
            d => d.Key, d => new Destination(d.Key, d.Value, new FieldMapping(d.Value.Mapping)), StringComparer.Ordinal);
        Destinations = _byKey.Values.OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
        All = Destinations.Select(d => new DestinationSummary(d.Key, d.Settings.Type!, d.Settings.Purposes)).ToList();
    }

    public IReadOnlyList<DestinationSummary> All { get; }

    public IReadOnlyList<Destination> Destinations { get; }

    public DestinationSummary? Find(string key) => All.FirstOrDefault(d => d.Key == key);

    public Destination? Get(string key) => _byKey.GetValueOrDefault(key);
}
