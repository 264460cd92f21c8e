using System.Text;
using System.Text.Json.Nodes;

namespace Cdp.Core.Tests.Builders;

/// <summary>Builds a <c>/v1/batch</c> body: the events plus the request-wide fields.</summary>
internal sealed class BatchBuilder
{
    private readonly JsonObject _json = [];
    private readonly JsonArray _items = [];

    public BatchBuilder() => _json["batch"] = _items;

    public BatchBuilder Add(params EventBuilder[] events)
    {
        foreach (var e in events)
        {
            _items.Add(e.ToNode());
        }

        return this;
    }

    /// <summary>Adds any JSON as a batch item (a number, an array, ...).</summary>
    public BatchBuilder AddRaw(JsonNode? item)
    {
        _items.Add(item?.DeepClone());
        return this;
    }

    public BatchBuilder WriteKey(string key) => With("writeKey", key);

    public BatchBuilder SentAt(DateTimeOffset value) => With("sentAt", EventBuilder.Iso(value));

    public BatchBuilder Context(string name, JsonNode? value) => Set("context", name, value);

    public BatchBuilder Integration(string name, JsonNode? value) => Set("integrations", name, value);

    public BatchBuilder With(string name, JsonNode? value)
    {
        _json[name] = value?.DeepClone();
        return this;
    }

    /// <summary>Pads the body with an ignored top-level field so that it is exactly <paramref name="bytes"/> long.</summary>
    public BatchBuilder SizedTo(int bytes)
    {
        With("padding", string.Empty);
        var missing = bytes - ToBytes().Length;
        if (missing < 0)
        {
            throw new InvalidOperationException($"batch is already {bytes - missing} bytes");
        }

        return With("padding", new string('x', missing));
    }

    public string ToJson() => _json.ToJsonString();

    private BatchBuilder Set(string objectName, string name, JsonNode? value)
    {
        if (_json[objectName] is not JsonObject obj)
        {
            obj = [];
            _json[objectName] = obj;
        }

        obj[name] = value?.DeepClone();
        return this;
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToJson());
}
