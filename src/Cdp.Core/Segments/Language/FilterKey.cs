using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cdp.Core.Segments.Language;

/// <summary>
/// The rollup key of an event's where-filters: <c>"{event}#{12 hex of SHA-256}"</c> of a canonical form in which
/// filters are sorted, duplicates dropped, <c>in</c> lists sorted and numbers written without trailing zeros, so two
/// segments that filter the same way (in any order, 50 or 50.0) share one count on the profile.
/// </summary>
internal static class FilterKey
{
    public static string Of(string eventName, IReadOnlyList<PropertyFilter> filters)
    {
        var canonical = string.Join('\n', filters.Select(Canonical).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
        return eventName + "#" + Convert.ToHexStringLower(hash.AsSpan(0, 6));
    }

    private static string Canonical(PropertyFilter filter) =>
        $"{Quote(filter.Property)} {filter.Comparison.Operator} {Value(filter.Comparison.Operator, filter.Comparison.Value)}";

    private static string Value(ValueOperator op, Operand? value)
    {
        if (value is null)
        {
            // exists without a value means exists: true.
            return "true";
        }

        if (value.Items is { } items)
        {
            var parts = items.Select(i => Value(op, i));
            return "[" + string.Join(',', op == ValueOperator.In ? parts.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal) : parts) + "]";
        }

        return value.Boolean is { } b ? (b ? "true" : "false")
            : value.Number is { } n ? n.ToString("0.############################", CultureInfo.InvariantCulture)
            : Quote(value.Text!);
    }

    private static string Quote(string text) => "\"" + JsonEncodedText.Encode(text).Value + "\"";
}
