using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Core;
using Cdp.Core.Events;
using Cdp.Core.Ingestion;
using Microsoft.Extensions.Time.Testing;

namespace Cdp.Core.Tests.Builders;

/// <summary>Builds one Segment call as JSON, so tests state only what matters to them.</summary>
public sealed class EventBuilder
{
    private readonly JsonObject _json = [];

    private EventBuilder(string? type)
    {
        if (type is not null)
        {
            _json["type"] = type;
        }
    }

    public static EventBuilder Track(string eventName) => new EventBuilder(EventTypes.Track).With("event", eventName);

    public static EventBuilder Identify() => new(EventTypes.Identify);

    public static EventBuilder Page(string? name = null) => name is null ? new(EventTypes.Page) : new EventBuilder(EventTypes.Page).With("name", name);

    public static EventBuilder Screen(string name) => new EventBuilder(EventTypes.Screen).With("name", name);

    public static EventBuilder Group(string groupId) => new EventBuilder(EventTypes.Group).With("groupId", groupId);

    public static EventBuilder Alias(string previousId) => new EventBuilder(EventTypes.Alias).With("previousId", previousId);

    /// <summary>An item with any (or no) type, for validation tests.</summary>
    public static EventBuilder OfType(string? type) => new(type);

    public EventBuilder UserId(JsonNode? value) => With("userId", value);

    public EventBuilder AnonymousId(JsonNode? value) => With("anonymousId", value);

    public EventBuilder MessageId(string value) => With("messageId", value);

    public EventBuilder Timestamp(DateTimeOffset value) => With("timestamp", Iso(value));

    public EventBuilder SentAt(DateTimeOffset value) => With("sentAt", Iso(value));

    public EventBuilder WriteKey(string value) => With("writeKey", value);

    public EventBuilder Trait(string name, JsonNode? value) => Set("traits", name, value);

    public EventBuilder Property(string name, JsonNode? value) => Set("properties", name, value);

    public EventBuilder Context(string name, JsonNode? value) => Set("context", name, value);

    public EventBuilder Integration(string name, JsonNode? value) => Set("integrations", name, value);

    public EventBuilder ContextTrait(string name, JsonNode? value)
    {
        var context = Object("context");
        if (context["traits"] is not JsonObject traits)
        {
            traits = [];
            context["traits"] = traits;
        }

        traits[name] = value;
        return this;
    }

    public EventBuilder DeviceId(string value) => Context("device", new JsonObject { ["id"] = value });

    public EventBuilder ExternalId(string type, JsonNode id)
    {
        var context = Object("context");
        if (context["externalIds"] is not JsonArray ids)
        {
            ids = [];
            context["externalIds"] = ids;
        }

        ids.Add(new JsonObject { ["id"] = id, ["type"] = type, ["collection"] = "users", ["encoding"] = "none" });
        return this;
    }

    /// <summary>Pads the event with a property so that its JSON is exactly <paramref name="bytes"/> long.</summary>
    public EventBuilder SizedTo(int bytes)
    {
        With("padding", string.Empty);
        var missing = bytes - ToBytes().Length;
        if (missing < 0)
        {
            throw new InvalidOperationException($"event is already {bytes - missing} bytes");
        }

        return With("padding", new string('x', missing));
    }

    /// <summary>Sets any field to any JSON, including the wrong type.</summary>
    public EventBuilder With(string name, JsonNode? value)
    {
        _json[name] = value?.DeepClone();
        return this;
    }

    public EventBuilder Without(string name)
    {
        _json.Remove(name);
        return this;
    }

    public JsonObject ToNode() => (JsonObject)_json.DeepClone();

    public string ToJson() => _json.ToJsonString();

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToJson());

    public override string ToString() => ToJson();

    /// <summary>The event as intake would queue it: parsed and normalized for source <paramref name="sourceId"/>.</summary>
    internal SegmentEvent ToQueued(DateTimeOffset receivedAt, string sourceId = "src-web")
    {
        var parsed = JsonSerializer.Deserialize(ToBytes(), CdpJsonContext.Default.SegmentEvent)!;
        var request = new ParsedRequest(null, null, null, null, []);
        var (normalized, error) = new EventNormalizer(new FakeTimeProvider(receivedAt)).Normalize(parsed, IngestRoute.Batch, request, sourceId, receivedAt);
        return normalized ?? throw new InvalidOperationException("test event is invalid: " + error);
    }

    public static string Iso(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private EventBuilder Set(string objectName, string name, JsonNode? value)
    {
        Object(objectName)[name] = value?.DeepClone();
        return this;
    }

    private JsonObject Object(string name)
    {
        if (_json[name] is not JsonObject obj)
        {
            obj = [];
            _json[name] = obj;
        }

        return obj;
    }
}
