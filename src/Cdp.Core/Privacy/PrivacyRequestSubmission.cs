using System.Text.Json;

namespace Cdp.Core.Privacy;

/// <summary>A privacy request as submitted (OpenDSR v3 fields), before validation: anything may be missing or wrong.</summary>
public sealed record PrivacyRequestSubmission
{
    public string? Regulation { get; init; }
    public string? SubjectRequestId { get; init; }
    public string? SubjectRequestType { get; init; }
    public DateTimeOffset? SubmittedTime { get; init; }
    public IReadOnlyList<SubmittedIdentity>? SubjectIdentities { get; init; }
    public IReadOnlyList<string>? StatusCallbackUrls { get; init; }

    /// <summary>OpenDSR <c>api_version</c> the caller wrote for (optional); answers are always v3.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>mParticle v3 <c>group_id</c>: relates requests to each other; stored and echoed, never interpreted.</summary>
    public string? GroupId { get; init; }

    /// <summary>Our extension to OpenDSR (top-level <c>suppression_mode</c>): one of <see cref="SuppressionModes"/>, erasure only.</summary>
    public string? SuppressionMode { get; init; }

    /// <summary>
    /// Reads an OpenDSR request body. <c>subject_identities</c> is the v3 map of identity type to
    /// <c>{"value": "...", "encoding": "raw"}</c>; the v1/v2 array of <c>{identity_type, identity_value, identity_format}</c>
    /// and a map of type to bare value (accepted before v3 support) are read too. Unknown fields (property_id,
    /// extensions, ...) are ignored.
    /// </summary>
    /// <returns>The submission, or an error naming the JSON path that is malformed.</returns>
    public static (PrivacyRequestSubmission? Submission, string? Error) Parse(ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            return (null, $"the body is not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "the body must be a JSON object");
            }

            var errors = new List<string>();
            var submission = new PrivacyRequestSubmission
            {
                Regulation = String(root, "regulation", errors),
                SubjectRequestId = String(root, "subject_request_id", errors),
                SubjectRequestType = String(root, "subject_request_type", errors),
                SubmittedTime = Time(root, "submitted_time", errors),
                SubjectIdentities = Identities(root, errors),
                StatusCallbackUrls = Strings(root, "status_callback_urls", errors),
                ApiVersion = String(root, "api_version", errors),
                GroupId = String(root, "group_id", errors),
                SuppressionMode = String(root, "suppression_mode", errors),
            };
            return errors.Count == 0 ? (submission, null) : (null, errors[0]);
        }
    }

    private static string? String(JsonElement parent, string name, List<string> errors, string? path = null)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{path ?? name} must be a string");
            return null;
        }

        return value.GetString();
    }

    private static DateTimeOffset? Time(JsonElement root, string name, List<string> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time))
        {
            return time;
        }

        errors.Add($"{name} must be an ISO 8601 date-time such as 2025-03-14T15:09:26Z");
        return null;
    }

    private static List<string>? Strings(JsonElement root, string name, List<string> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            errors.Add($"{name} must be an array of strings");
            return null;
        }

        return value.EnumerateArray().Select(item => item.GetString()!).ToList();
    }

    private static List<SubmittedIdentity>? Identities(JsonElement root, List<string> errors)
    {
        if (!root.TryGetProperty("subject_identities", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Object => FromMap(value, errors),
            JsonValueKind.Array => FromList(value, errors),
            _ => Fail<List<SubmittedIdentity>>(errors,
                "subject_identities must be a map of identity type to {\"value\": \"...\", \"encoding\": \"raw\"} (OpenDSR v3), "
                + "or an array of {identity_type, identity_value, identity_format} objects"),
        };
    }

    /// <summary>The v3 form: one entry per identity type, so a type named twice is refused rather than half-read.</summary>
    private static List<SubmittedIdentity>? FromMap(JsonElement map, List<string> errors)
    {
        var identities = new List<SubmittedIdentity>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in map.EnumerateObject())
        {
            var path = "subject_identities." + Clip(property.Name);
            if (!seen.Add(property.Name))
            {
                return Fail<List<SubmittedIdentity>>(errors, $"{path} appears twice: the v3 map holds one identity per type");
            }

            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    var value = String(property.Value, "value", errors, path + ".value");
                    var encoding = String(property.Value, "encoding", errors, path + ".encoding");
                    if (errors.Count > 0)
                    {
                        return null;
                    }

                    identities.Add(new SubmittedIdentity(property.Name, value, encoding) { Path = path, FromMap = true });
                    break;
                case JsonValueKind.String:
                    // The map of type to bare value this API read before v3 support: still accepted, read as raw.
                    identities.Add(new SubmittedIdentity(property.Name, property.Value.GetString()) { Path = path, FromMap = true });
                    break;
                default:
                    return Fail<List<SubmittedIdentity>>(errors, $"{path} must be an object such as {{\"value\": \"...\", \"encoding\": \"raw\"}}");
            }
        }

        return identities;
    }

    private static List<SubmittedIdentity>? FromList(JsonElement list, List<string> errors)
    {
        var identities = new List<SubmittedIdentity>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var path = $"subject_identities[{index}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                return Fail<List<SubmittedIdentity>>(errors, $"{path} must be an object with identity_type and identity_value");
            }

            var type = String(item, "identity_type", errors, path + ".identity_type");
            var identityValue = String(item, "identity_value", errors, path + ".identity_value");
            var format = String(item, "identity_format", errors, path + ".identity_format");
            if (errors.Count > 0)
            {
                return null;
            }

            identities.Add(new SubmittedIdentity(type, identityValue, format) { Path = path });
            index++;
        }

        return identities;
    }

    private static T? Fail<T>(List<string> errors, string error)
        where T : class
    {
        errors.Add(error);
        return null;
    }

    internal static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
}

/// <summary>
/// One submitted identity. Its <see cref="Format"/> (v3 <c>encoding</c>, v1/v2 <c>identity_format</c>) must be <c>raw</c>
/// or absent: hashed values cannot be resolved, since identities are only stored under keyed hashes.
/// </summary>
public sealed record SubmittedIdentity(string? Type, string? Value, string? Format = null)
{
    /// <summary>Where it was in the body (<c>subject_identities.email</c>, <c>subject_identities[0]</c>); empty when built in code.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>True for the v3 map form, whose fields are the key, <c>value</c> and <c>encoding</c>.</summary>
    public bool FromMap { get; init; }

    /// <summary>The JSON paths of its type, value and format, for messages that name exactly what is wrong.</summary>
    internal (string Type, string Value, string Format) Fields(int index)
    {
        var path = Path.Length > 0 ? Path : $"subject_identities[{index}]";
        return FromMap ? (path, path + ".value", path + ".encoding") : (path + ".identity_type", path + ".identity_value", path + ".identity_format");
    }
}
