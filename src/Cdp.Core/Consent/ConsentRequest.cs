using System.Text.Json;

namespace Cdp.Core.Consent;

/// <summary>
/// A consent API body, validated: <c>{"source": "preference-center", "purposes": {"marketing": false}, "timestamp": "2025-03-14T15:09:26Z"}</c>.
/// <c>source</c> and <c>timestamp</c> are optional (the API's name and now).
/// </summary>
public sealed record ConsentRequest(string Source, IReadOnlyList<KeyValuePair<string, bool>> Purposes, DateTimeOffset? Timestamp)
{
    public const int MaxSourceLength = 100;

    /// <summary>A timestamp further ahead than this is refused: it would outrank every real answer until then.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 8 };

    /// <summary>The request, or an error naming the field or purpose at fault.</summary>
    public static (ConsentRequest? Request, string? Error) Parse(ReadOnlyMemory<byte> body, ConsentPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return Invalid($"body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Invalid("body must be a JSON object with \"purposes\"");
            }

            string source = ConsentSources.Api;
            DateTimeOffset? timestamp = null;
            List<KeyValuePair<string, bool>>? purposes = null;
            foreach (var field in root.EnumerateObject())
            {
                string? error;
                switch (field.Name)
                {
                    case "source":
                        (source, error) = ReadSource(field.Value);
                        break;
                    case "timestamp":
                        (timestamp, error) = ReadTimestamp(field.Value, now);
                        break;
                    case "purposes":
                        (purposes, error) = ReadPurposes(field.Value, policy);
                        break;
                    default:
                        error = $"unknown field \"{Truncate(field.Name)}\"; send source, purposes and timestamp";
                        break;
                }

                if (error is not null)
                {
                    return Invalid(error);
                }
            }

            return purposes is null
                ? Invalid("purposes is required: an object of purpose → true or false")
                : (new ConsentRequest(source, purposes, timestamp), null);
        }
    }

    private static (string Source, string? Error) ReadSource(JsonElement value)
    {
        var source = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : null;
        return string.IsNullOrEmpty(source) || source.Length > MaxSourceLength || source.Any(char.IsControl)
            ? (ConsentSources.Api, $"source must be a non-empty string of at most {MaxSourceLength} characters")
            : (source, null);
    }

    private static (DateTimeOffset? Timestamp, string? Error) ReadTimestamp(JsonElement value, DateTimeOffset now)
    {
        const string Expected = "timestamp must be an ISO 8601 date-time with an offset, e.g. 2025-03-14T15:09:26Z";
        if (value.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        // Without an offset the server's time zone would decide what the caller meant.
        if (value.ValueKind != JsonValueKind.String || !HasOffset(value.GetString()!) || !value.TryGetDateTimeOffset(out var timestamp))
        {
            return (null, Expected);
        }

        return timestamp > now + MaxClockSkew
            ? (null, $"timestamp {value.GetString()} is in the future")
            : (timestamp, null);
    }

    private static (List<KeyValuePair<string, bool>>? Purposes, string? Error) ReadPurposes(JsonElement value, ConsentPolicy policy)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return (null, "purposes must be an object of purpose → true or false");
        }

        var purposes = new List<KeyValuePair<string, bool>>();
        foreach (var answer in value.EnumerateObject())
        {
            if (policy.Resolve(answer.Name) is not { } purpose)
            {
                return (null, $"unknown purpose \"{Truncate(answer.Name)}\"; use one of {string.Join(", ", policy.Purposes)}");
            }

            if (answer.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return (null, $"purposes.{purpose} must be true or false");
            }

            if (purposes.Exists(p => p.Key == purpose))
            {
                return (null, $"purpose {purpose} is given more than once");
            }

            purposes.Add(new(purpose, answer.Value.GetBoolean()));
        }

        return purposes.Count == 0 ? (null, "purposes must name at least one purpose") : (purposes, null);
    }

    private static bool HasOffset(string text)
    {
        var time = text.IndexOf('T', StringComparison.OrdinalIgnoreCase);
        return time > 0 && (text.EndsWith('Z') || text.EndsWith('z') || text.IndexOfAny(['+', '-'], time) > 0);
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private static (ConsentRequest? Request, string? Error) Invalid(string error) => (null, error);
}
