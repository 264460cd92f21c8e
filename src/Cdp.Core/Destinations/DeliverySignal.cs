using System.Collections.Concurrent;

namespace Cdp.Core.Destinations;

/// <summary>
/// Wakes a destination's pump loop when something was queued for it, so a delivery leaves within moments rather than
/// at the next poll. One flag per destination: many wake-ups before the loop looks count as one.
/// </summary>
public sealed class DeliverySignal
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _signals = new(StringComparer.Ordinal);

    public void Wake(string destination)
    {
        var signal = Of(destination);
        lock (signal)
        {
            if (signal.CurrentCount == 0)
            {
                signal.Release();
            }
        }
    }

    /// <summary>Waits until woken or <paramref name="timeout"/> passes; true when woken.</summary>
    public Task<bool> WaitAsync(string destination, TimeSpan timeout, CancellationToken cancellationToken) =>
        Of(destination).WaitAsync(timeout, cancellationToken);

    private SemaphoreSlim Of(string destination) => _signals.GetOrAdd(destination, _ => new SemaphoreSlim(0, 1));
}
