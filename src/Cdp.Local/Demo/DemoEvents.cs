using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Cdp.Local.Demo;

/// <summary>
/// Writes one Segment-spec batch body (<c>{"batch":[...],"context":{"library":...}}</c>) the way the Segment tag or
/// a server SDK fills it. Browser events carry the person's consent choice and their device's anonymousId; server events
/// carry the userId only.
/// </summary>
internal sealed class DemoEvents : IDisposable
{
    private readonly DemoPerson _person;
    private readonly string? _anonymousId;
    private readonly ArrayBufferWriter<byte> _events = new(4096);
    private readonly Utf8JsonWriter _writer;

    public DemoEvents(DemoPerson person, string? anonymousId)
    {
        (_person, _anonymousId) = (person, anonymousId);
        _writer = new Utf8JsonWriter(_events);
        _writer.WriteStartArray();
    }

    public int Count { get; private set; }

    /// <summary>The log-in: the device's anonymousId meets the userId and email, which merges that device's profile.</summary>
    public void Identify(string messageId, DateTimeOffset at) => Write("identify", messageId, at, _person.UserId, w =>
    {
        w.WriteStartObject("traits");
        w.WriteString("email", _person.Email);
        w.WriteString("plan", _person.Plan);
        w.WriteEndObject();
    });

    public void Page(string messageId, DateTimeOffset at, string? userId, string name) => Write("page", messageId, at, userId, w =>
    {
        w.WriteString("name", name);
        w.WriteStartObject("properties");
        w.WriteString("path", "/" + name.ToLowerInvariant());
        w.WriteEndObject();
    });

    public void ProductViewed(string messageId, DateTimeOffset at, string? userId, string sku, string name, double price) =>
        Write("track", messageId, at, userId, w =>
        {
            w.WriteString("event", "Product Viewed");
            w.WriteStartObject("properties");
            w.WriteString("product_id", sku);
            w.WriteString("name", name);
            w.WriteNumber("price", price);
            w.WriteEndObject();
        });

    public void OrderCompleted(string messageId, DateTimeOffset at, string orderId, double total) =>
        Write("track", messageId, at, _person.UserId, w =>
        {
            w.WriteString("event", "Order Completed");
            w.WriteStartObject("properties");
            w.WriteString("order_id", orderId);
            w.WriteNumber("total", total);
            w.WriteNumber("revenue", total);
            w.WriteString("currency", "USD");
            w.WriteEndObject();
        });

    /// <summary>A consent manager's "preferences updated" event: the new answer rides in the context like every other.</summary>
    public void ConsentUpdated(string messageId, DateTimeOffset at, bool marketing, bool analytics) =>
        Write("track", messageId, at, _person.UserId, w => w.WriteString("event", "Segment Consent Preference Updated"), (marketing, analytics));

    /// <summary>A later identify that changes the plan (a downgrade shows an exit).</summary>
    public void PlanChanged(string messageId, DateTimeOffset at, string plan) => Write("identify", messageId, at, _person.UserId, w =>
    {
        w.WriteStartObject("traits");
        w.WriteString("plan", plan);
        w.WriteEndObject();
    });

    public byte[] ToBatch(string library)
    {
        _writer.WriteEndArray();
        _writer.Flush();
        var body = new ArrayBufferWriter<byte>(_events.WrittenCount + 128);
        using (var w = new Utf8JsonWriter(body))
        {
            w.WriteStartObject();
            w.WritePropertyName("batch");
            w.WriteRawValue(_events.WrittenSpan, skipInputValidation: true);
            w.WriteStartObject("context");
            w.WriteStartObject("library");
            w.WriteString("name", library);
            w.WriteString("version", "demo");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return body.WrittenSpan.ToArray();
    }

    public void Dispose() => _writer.Dispose();

    private void Write(string type, string messageId, DateTimeOffset at, string? userId, Action<Utf8JsonWriter> body, (bool Marketing, bool Analytics)? consent = null)
    {
        var w = _writer;
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString("messageId", messageId);
        w.WriteString("timestamp", at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        if (userId is not null)
        {
            w.WriteString("userId", userId);
        }

        if (_anonymousId is not null)
        {
            w.WriteString("anonymousId", _anonymousId);
        }

        body(w);
        var choice = consent ?? (_anonymousId is null ? null : (_person.Marketing, _person.Analytics));
        if (choice is var (marketing, analytics))
        {
            w.WriteStartObject("context");
            w.WriteStartObject("consent");
            w.WriteStartObject("categoryPreferences");
            w.WriteBoolean("marketing", marketing);
            w.WriteBoolean("analytics", analytics);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndObject();
        Count++;
    }
}
