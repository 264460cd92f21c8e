using System.Globalization;
using System.Text.Json;

namespace Cdp.Core.Segments.Language;

/// <summary>What a trait, computed trait or event property holds at evaluation time, without boxing.</summary>
internal readonly struct SegmentValue
{
    private SegmentValue(ValueKind kind, string? text = null, decimal number = 0, bool boolean = false,
        DateTimeOffset instant = default, JsonElement element = default)
    {
        Kind = kind;
        Text = text;
        Number = number;
        Boolean = boolean;
        Instant = instant;
        Element = element;
    }

    public static SegmentValue Missing => default;

    public ValueKind Kind { get; }
    public string? Text { get; }
    public decimal Number { get; }
    public bool Boolean { get; }
    public DateTimeOffset Instant { get; }

    /// <summary>The array itself, for <c>contains</c> on a list trait.</summary>
    public JsonElement Element { get; }

    /// <summary>Present and not JSON null: what <c>exists</c> asks.</summary>
    public bool IsPresent => Kind is not ValueKind.Missing and not ValueKind.Null;

    public static SegmentValue FromNumber(decimal number) => new(ValueKind.Number, number: number);

    public static SegmentValue FromText(string? text) => text is null ? Missing : new(ValueKind.Text, text);

    public static SegmentValue FromInstant(DateTimeOffset? instant) => instant is { } i ? new(ValueKind.Instant, instant: i) : Missing;

    public static SegmentValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => new(ValueKind.Text, element.GetString()),
        JsonValueKind.Number => element.TryGetDecimal(out var n) ? new(ValueKind.Number, number: n) : new(ValueKind.Other),
        JsonValueKind.True => new(ValueKind.Boolean, boolean: true),
        JsonValueKind.False => new(ValueKind.Boolean, boolean: false),
        JsonValueKind.Null => new(ValueKind.Null),
        JsonValueKind.Array => new(ValueKind.Array, element: element),
        JsonValueKind.Undefined => Missing,
        _ => new(ValueKind.Other),
    };

    /// <summary>A number, or text that reads as one (SDKs often send "49.90").</summary>
    public bool TryGetNumber(out decimal number)
    {
        number = Number;
        return Kind == ValueKind.Number
            || (Kind == ValueKind.Text && decimal.TryParse(Text, NumberStyles.Number, CultureInfo.InvariantCulture, out number));
    }

    /// <summary>A computed date, or text that is an ISO-8601 date/time.</summary>
    public bool TryGetInstant(out DateTimeOffset instant)
    {
        instant = Instant;
        return Kind == ValueKind.Instant || (Kind == ValueKind.Text && SegmentDates.TryParseInstant(Text, out instant));
    }
}

internal enum ValueKind
{
    Missing,
    Null,
    Text,
    Number,
    Boolean,
    Instant,
    Array,
    Other,
}
