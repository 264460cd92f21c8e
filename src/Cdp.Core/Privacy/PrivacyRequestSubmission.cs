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

    /// <summary>Our extension to OpenDSR (top-level <c>suppression_mode</c>): one of <see cref="SuppressionModes"/>, erasure only.</summary>
    public string? SuppressionMode { get; init; }

    /// <summary>
    /// Reads an OpenDSR request body. <c>subject_identities</c> may be the OpenDSR array
    /// (<c>[{"identity_type":"email","identity_value":"...","identity_format":"raw"}]</c>) or a map of type to value.
    /// Unknown fields (api_version, property_id, extensions, ...) are ignored.
    /// </summary>
    /// <returns>The submission, or an error naming the field that is malformed.</returns>
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
                SuppressionMode = String(root, "suppression_mode", errors),
            };
            return errors.Count == 0 ? (submission, null) : (null, errors[0]);
        }
    }

    private static string? String(JsonElement root, string name, List<string> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{name} must be a string");
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

        if (value.ValueKind == JsonValueKind.Object)
        {
            var fromMap = new List<SubmittedIdentity>();
            foreach (var property in value.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    errors.Add($"subject_identities.{Clip(property.Name)} must be a string");
                    return null;
                }

                fromMap.Add(new SubmittedIdentity(property.Name, property.Value.GetString()));
            }

            return fromMap;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add("subject_identities must be an array of {identity_type, identity_value, identity_format} objects");
            return null;
        }

        var identities = new List<SubmittedIdentity>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"subject_identities[{index}] must be an object with identity_type and identity_value");
                return null;
            }

            var type = String(item, "identity_type", errors);
            var identityValue = String(item, "identity_value", errors);
            var format = String(item, "identity_format", errors);
            if (errors.Count > 0)
            {
                errors[0] = $"subject_identities[{index}].{errors[0]}";
                return null;
            }

            identities.Add(new SubmittedIdentity(type, identityValue, format));
            index++;
        }

        return identities;
    }

    internal static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
}

/// <summary>One submitted identity. OpenDSR's <c>identity_format</c> must be <c>raw</c> (or absent): hashed values cannot be resolved.</summary>
public sealed record SubmittedIdentity(string? Type, string? Value, string? Format = null);
