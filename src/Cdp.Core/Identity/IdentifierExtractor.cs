using System.Text.Json;
using Cdp.Core.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneNumbers;

namespace Cdp.Core.Identity;

/// <summary>
/// Finds and normalizes the identifiers an event carries: userId, anonymousId, email and phone from
/// traits, <c>context.device.id</c> and <c>context.externalIds[]</c>. Values that cannot be
/// normalized or are blocked placeholders are dropped, never guessed at.
/// </summary>
public sealed partial class IdentifierExtractor
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();
    private readonly IdentityOptions _options;
    private readonly HashSet<string> _blocked;
    private readonly HashSet<string> _customTypes;
    private readonly ILogger<IdentifierExtractor> _logger;

    public IdentifierExtractor(IOptions<IdentityOptions> options, ILogger<IdentifierExtractor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _blocked = new HashSet<string>(_options.BlockedValues.Select(v => v.Trim()), StringComparer.OrdinalIgnoreCase) { string.Empty };
        _customTypes = new HashSet<string>(_options.CustomTypes, StringComparer.Ordinal);
    }

    public IReadOnlySet<string> CustomTypes => _customTypes;

    public List<Identifier> Extract(SegmentEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var found = new List<Identifier>(4);
        Add(found, IdentifierTypes.UserId, e.UserId, e.MessageId);
        Add(found, IdentifierTypes.AnonymousId, e.AnonymousId, e.MessageId);
        if (e.Type == EventTypes.Alias)
        {
            // alias links the previous id (usually the anonymous one) to the userId.
            Add(found, IdentifierTypes.AnonymousId, e.PreviousId, e.MessageId);
        }

        var traits = e.Type == EventTypes.Group ? null : e.Traits;
        if (traits is null && e.Context?.TryGetValue("traits", out var contextTraits) == true && contextTraits.ValueKind == JsonValueKind.Object)
        {
            AddFromTraits(found, contextTraits, e.MessageId);
        }
        else if (traits is not null)
        {
            if (traits.TryGetValue("email", out var email))
            {
                Add(found, IdentifierTypes.Email, AsString(email), e.MessageId);
            }

            if (traits.TryGetValue("phone", out var phone))
            {
                Add(found, IdentifierTypes.Phone, AsString(phone), e.MessageId);
            }
        }

        if (e.Context is { } context)
        {
            if (context.TryGetValue("device", out var device) && device.ValueKind == JsonValueKind.Object
                && device.TryGetProperty("id", out var deviceId))
            {
                Add(found, IdentifierTypes.DeviceId, AsString(deviceId), e.MessageId);
            }

            if (context.TryGetValue("externalIds", out var external) && external.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in external.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object
                        && item.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                        && item.TryGetProperty("id", out var id))
                    {
                        AddExternal(found, type.GetString()!, AsString(id), e.MessageId);
                    }
                }
            }
        }

        return found;
    }

    private void AddFromTraits(List<Identifier> found, JsonElement traits, string? messageId)
    {
        if (traits.TryGetProperty("email", out var email))
        {
            Add(found, IdentifierTypes.Email, AsString(email), messageId);
        }

        if (traits.TryGetProperty("phone", out var phone))
        {
            Add(found, IdentifierTypes.Phone, AsString(phone), messageId);
        }
    }

    private void AddExternal(List<Identifier> found, string type, string? value, string? messageId)
    {
        // Segment tags emails in externalIds with type "email"; treat the known types as themselves.
        var known = type switch
        {
            "email" => IdentifierTypes.Email,
            "phone" => IdentifierTypes.Phone,
            "userId" or "user_id" => IdentifierTypes.UserId,
            "anonymousId" or "anonymous_id" => IdentifierTypes.AnonymousId,
            "deviceId" or "device_id" => IdentifierTypes.DeviceId,
            _ => _customTypes.Contains(type) ? type : null,
        };
        if (known is null)
        {
            LogUnknownType(_logger, type.Length > 40 ? type[..40] : type, messageId);
            return;
        }

        Add(found, known, value, messageId);
    }

    private void Add(List<Identifier> found, string type, string? raw, string? messageId)
    {
        var value = Normalize(type, raw);
        if (value is null)
        {
            if (raw is not null)
            {
                LogDropped(_logger, type, messageId);
            }

            return;
        }

        var identifier = new Identifier(type, value);
        if (!found.Contains(identifier))
        {
            found.Add(identifier);
        }
    }

    /// <summary>The canonical form of a value, or null when it is empty, blocked or malformed.</summary>
    public string? Normalize(string type, string? raw)
    {
        if (raw is null)
        {
            return null;
        }

        var value = raw.Trim();
        if (_blocked.Contains(value))
        {
            return null;
        }

        return type switch
        {
            IdentifierTypes.Email => NormalizeEmail(value),
            IdentifierTypes.Phone => NormalizePhone(value),
            _ => value,
        };
    }

    private string? NormalizeEmail(string value)
    {
        var email = value.ToLowerInvariant();
        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1 || email.Contains(' ', StringComparison.Ordinal))
        {
            return null;
        }

        return _blocked.Contains(email) ? null : email;
    }

    private string? NormalizePhone(string value)
    {
        try
        {
            var number = Phones.Parse(value, _options.DefaultPhoneRegion);
            return Phones.IsValidNumber(number) ? Phones.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    private static string? AsString(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetRawText(),
        _ => null,
    };

    // Logs name the type and the message, never the value: values are personal data.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped a {IdentifierType} that is blocked or malformed (message {MessageId})")]
    private static partial void LogDropped(ILogger logger, string identifierType, string? messageId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored externalIds entry of unconfigured type {IdentifierType} (message {MessageId})")]
    private static partial void LogUnknownType(ILogger logger, string identifierType, string? messageId);
}
