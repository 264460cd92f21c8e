using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Cdp.Local.Storage;

/// <summary>
/// Turns many stored JSON bodies into documents, across the machine's cores when there are enough of them. The outbox
/// consumer is one thread, and the bodies of a batch (its queued events, the profiles it touches) are the largest part
/// of its work that needs no order, so the other cores take a share of it.
/// </summary>
internal static class BulkJson
{
    /// <summary>Below this many bodies the hand-over to other threads costs more than it saves.</summary>
    public const int ParallelFrom = 16;

    /// <summary>
    /// The documents in the order of their bodies (<paramref name="count"/> of them, the i-th from
    /// <paramref name="body"/>). A body that reads as JSON <c>null</c> is refused (<see cref="InvalidDataException"/>,
    /// naming it with <paramref name="describe"/>); one that is not JSON throws <see cref="JsonException"/>.
    /// </summary>
    public static T[] Deserialize<T>(int count, Func<int, ReadOnlyMemory<byte>> body, JsonTypeInfo<T> type, Func<int, string> describe)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(body);
        var documents = new T[count];
        if (count >= ParallelFrom)
        {
            try
            {
                Parallel.For(0, count, i => documents[i] = Deserialize(body(i).Span, type, describe, i));
            }
            catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
            {
                // Callers see what one body's failure is (bad JSON, an empty body), as they would reading one at a time.
                ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
            }
        }
        else
        {
            for (var i = 0; i < count; i++)
            {
                documents[i] = Deserialize(body(i).Span, type, describe, i);
            }
        }

        return documents;
    }

    /// <summary>The documents of bodies read into a pool (<see cref="PooledBodies.Read"/>), by the same rule.</summary>
    public static T[] Deserialize<T>(PooledBodies bodies, JsonTypeInfo<T> type, Func<int, string> describe)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(bodies);
        return Deserialize(bodies.Count, i => bodies[i], type, describe);
    }

    /// <summary>One body, by the same rule: JSON <c>null</c> is refused naming it <paramref name="name"/>.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> type, string name)
        where T : class =>
        JsonSerializer.Deserialize(body, type) ?? throw EmptyBody(name);

    // The name is built only for a body that is refused: a batch's hundreds of good bodies need none.
    private static T Deserialize<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> type, Func<int, string> describe, int i)
        where T : class =>
        JsonSerializer.Deserialize(body, type) ?? throw EmptyBody(describe(i));

    private static InvalidDataException EmptyBody(string name) => new($"{name} has an empty body");
}
