using System.Globalization;
using System.Text.Json;
using Cdp.Core.Ingestion;
using Microsoft.Azure.Functions.Worker;

namespace Cdp.Functions.Ingestion;

/// <summary>
/// Reads where a batch came from out of the Event Hubs trigger's binding data, for dead letters: the partition
/// (<c>PartitionContext</c>, a JSON object) and each message's sequence number and enqueued time (<c>SequenceNumberArray</c>,
/// <c>EnqueuedTimeUtcArray</c>, JSON arrays). Metadata that is missing or shaped differently is left unknown; it never
/// fails a batch.
/// </summary>
internal static class HubTriggerMetadata
{
    public static HubBatchOrigin OriginOf(FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.BindingContext.BindingData;
        return new HubBatchOrigin(
            Parse(data, "PartitionContext", root => Property(root, "PartitionId")),
            Parse(data, "SequenceNumberArray", root => Array(root, e => e.TryGetInt64(out var n) ? n : (long?)null)),
            Parse(data, "EnqueuedTimeUtcArray", root => Array(root, Time)));
    }

    private static T? Parse<T>(IReadOnlyDictionary<string, object?> data, string key, Func<JsonElement, T?> read)
        where T : class
    {
        if (!data.TryGetValue(key, out var value) || value?.ToString() is not { Length: > 0 } json)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return read(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Property(JsonElement root, string name)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var p in root.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();
            }
        }

        return null;
    }

    private static List<TValue>? Array<TValue>(JsonElement root, Func<JsonElement, TValue?> item)
        where TValue : struct
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var values = new List<TValue>(root.GetArrayLength());
        foreach (var element in root.EnumerateArray())
        {
            if (item(element) is not { } value)
            {
                return null;
            }

            values.Add(value);
        }

        return values;
    }

    private static DateTimeOffset? Time(JsonElement element) =>
        element.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(element.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
}
