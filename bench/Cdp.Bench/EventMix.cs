using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cdp.Bench;

/// <summary>A browser or phone; its anonymousId is all a tag knows before the person logs in.</summary>
internal sealed record Device(string AnonymousId, bool Mobile, string? DeviceId, string UserAgent, string Ip, string Model);

/// <summary>One synthetic customer with the traits an identify call carries.</summary>
internal sealed record Person(
    string UserId, string Email, string? Phone, string FirstName, string LastName, string City, string Country,
    string Plan, int Company, IReadOnlyList<Device> Devices);

internal enum Call
{
    Identify,
    Track,
    Page,
    Screen,
    Group,
    Alias,
}

/// <summary>
/// Segment traffic as analytics.js and the mobile SDKs send it: every call type, a full context (library, page,
/// userAgent, ip, campaign, app/device/os on mobile), e-commerce properties and identify traits with email and
/// phone; 600-1,200 bytes an event. Seeded, so every run sends the same data.
/// </summary>
internal sealed class EventMix(int seed)
{
    public const int BatchSize = 100;

    public static readonly DateTimeOffset Epoch = new(2025, 6, 2, 8, 0, 0, TimeSpan.Zero);

    private static readonly string[] FirstNames = ["Jane", "John", "Amira", "Luca", "Sofia", "Wei", "Priya", "Mateo", "Olga", "Kwame", "Hannah", "Yuki", "Carlos", "Fatima", "Noah", "Emma"];
    private static readonly string[] LastNames = ["Doe", "Smith", "Haddad", "Rossi", "Garcia", "Chen", "Patel", "Lopez", "Ivanova", "Mensah", "Muller", "Tanaka", "Silva", "Khan", "Brown", "Martin"];
    private static readonly (string City, string Country, string Zone)[] Places =
        [("New York", "US", "America/New_York"), ("Chicago", "US", "America/Chicago"), ("Seattle", "US", "America/Los_Angeles"), ("Austin", "US", "America/Chicago"), ("Boston", "US", "America/New_York"), ("Denver", "US", "America/Denver")];
    private static readonly string[] AreaCodes = ["212", "312", "206", "512", "617", "303", "415", "646"];
    private static readonly string[] Plans = ["free", "plus", "pro", "enterprise"];
    private static readonly string[] Domains = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "example.org"];
    private static readonly string[] Categories = ["Shoes", "Jackets", "Backpacks", "Tents", "Climbing", "Accessories"];
    private static readonly string[] Brands = ["Northwind", "Summit", "Alpen", "Trailcraft"];
    private static readonly string[] PageNames = ["Home", "Category", "Product", "Cart", "Search", "Blog", "Account"];
    private static readonly string[] ScreenNames = ["Home", "Product Detail", "Cart", "Search Results", "Order History", "Settings"];
    private static readonly (string Source, string Medium, string Name, string Term)[] Campaigns =
        [("google", "cpc", "summer_sale", "trail running shoes"), ("newsletter", "email", "weekly_digest_24", ""), ("facebook", "paid_social", "new_arrivals", ""), ("instagram", "social", "creator_collab", "")];
    private static readonly (string Event, int Weight)[] TrackEvents =
        [("Product Viewed", 35), ("Product Added", 18), ("Products Searched", 15), ("Checkout Started", 10), ("Order Completed", 8), ("Product List Viewed", 10), ("Coupon Applied", 4)];
    private static readonly string[] BrowserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    ];

    private static readonly string[] PhoneModels = ["iPhone15,2", "iPhone14,5", "Pixel 8", "SM-S911B"];

    /// <summary>Escapes as JSON.stringify does (leaves '+' and '&amp;' alone), so bodies look like what SDKs send.</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Random _random = new(seed);

    public Random Random => _random;

    /// <summary>People with between <paramref name="minDevices"/> and <paramref name="maxDevices"/> devices each, a <paramref name="mobileShare"/> of them phones.</summary>
    public List<Person> CreatePeople(int count, int minDevices, int maxDevices, string idPrefix = "u-", double mobileShare = 0.25)
    {
        var people = new List<Person>(count);
        for (var i = 0; i < count; i++)
        {
            var first = Pick(FirstNames);
            var last = Pick(LastNames);
            var place = Pick(Places);
            var devices = new List<Device>();
            var deviceCount = _random.Next(minDevices, maxDevices + 1);
            for (var d = 0; d < deviceCount; d++)
            {
                devices.Add(CreateDevice(mobile: _random.NextDouble() < mobileShare));
            }

            // Some SDKs and CRMs send mixed-case emails; normalization must still link them.
            var email = $"{first}.{last}{i}@{Pick(Domains)}";
            people.Add(new Person(
                idPrefix + i.ToString("D8", CultureInfo.InvariantCulture),
                _random.Next(3) == 0 ? email : email.ToLowerInvariant(),
                _random.NextDouble() < 0.8 ? NewPhone() : null,
                first, last, place.City, place.Country, Pick(Plans), _random.Next(2_000), devices));
        }

        return people;
    }

    public Device CreateDevice(bool mobile) => new(
        NewUuid(),
        mobile,
        mobile ? NewUuid().ToUpperInvariant() : null,
        mobile ? "Northwind/4.12.0 (iPhone; iOS 17.5.1; Scale/3.00)" : Pick(BrowserAgents),
        $"{Pick(["203.0.113", "198.51.100", "192.0.2"])}.{_random.Next(1, 255)}",
        mobile ? Pick(PhoneModels) : "web");

    /// <summary>The call types in the proportions a shop's tags produce (page and screen follow the device).</summary>
    public Call NextCall(Device device)
    {
        var roll = _random.Next(100);
        return roll switch
        {
            < 10 => Call.Identify,
            < 55 => Call.Track,
            < 95 => device.Mobile ? Call.Screen : Call.Page,
            < 98 => Call.Group,
            _ => Call.Alias,
        };
    }

    /// <summary>Everyday traffic in /v1/batch bodies: people on their first device, 80% logged in; it links nothing new, so requests no merges.</summary>
    public List<byte[]> SteadyBodies(IReadOnlyList<Person> people, int events, string messagePrefix)
    {
        var bodies = new List<byte[]>(events / BatchSize + 1);
        var at = Epoch;
        for (var start = 0; start < events; start += BatchSize)
        {
            var count = Math.Min(BatchSize, events - start);
            bodies.Add(Body(w =>
            {
                for (var i = 0; i < count; i++)
                {
                    var person = people[_random.Next(people.Count)];
                    var device = person.Devices[0];
                    var call = NextCall(device);
                    at += TimeSpan.FromMilliseconds(_random.Next(1, 100));
                    Write(w, call, person, device, loggedIn: _random.NextDouble() < 0.8, $"{messagePrefix}-{start + i:D9}", at);
                }
            }, at));
        }

        return bodies;
    }

    /// <summary>
    /// Browser traffic in /v1/batch bodies, as the web tag batches it: each body is one person's visit of
    /// <see cref="MinSession"/>-<see cref="MaxSession"/> events on one of their browsers, until <paramref name="events"/> are written.
    /// </summary>
    public List<byte[]> SessionBodies(IReadOnlyList<Person> people, int events, string messagePrefix)
    {
        var bodies = new List<byte[]>();
        var at = Epoch;
        for (var written = 0; written < events;)
        {
            var person = people[_random.Next(people.Count)];
            var device = person.Devices[_random.Next(person.Devices.Count)];
            var count = Math.Min(_random.Next(MinSession, MaxSession + 1), events - written);
            var (start, visitStart) = (written, at);

            // The body's sentAt (after the visit) must not precede its events, or clock-skew correction would move them.
            at += MaxStep * count;
            bodies.Add(Body(w => WriteSession(w, person, device, count, i => $"{messagePrefix}-{start + i:D9}", visitStart), at));
            written += count;
        }

        return bodies;
    }

    /// <summary>Fewest and most events in one browser visit's body.</summary>
    public const int MinSession = 5;

    /// <inheritdoc cref="MinSession"/>
    public const int MaxSession = 40;

    /// <summary>The longest pause between two events of a visit.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromSeconds(20);

    /// <summary>
    /// One visit: a page view under the anonymousId; in 60% of visits the person then signs in (an identify with
    /// userId and email traits) and the rest of the visit carries the userId; then page views and tracks.
    /// </summary>
    /// <param name="signsIn">Whether the person signs in during the visit; null draws it (60%).</param>
    public void WriteSession(
        Utf8JsonWriter w, Person person, Device device, int count, Func<int, string> messageId, DateTimeOffset start, bool? signsIn = null)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var signedIn = signsIn ?? _random.NextDouble() < 0.6;
        var at = start;
        for (var i = 0; i < count; i++)
        {
            at += TimeSpan.FromMilliseconds(_random.Next(500, (int)MaxStep.TotalMilliseconds));
            var call = i switch
            {
                0 => Call.Page,
                1 when signedIn => Call.Identify,
                _ => _random.Next(2) == 0 ? Call.Page : Call.Track,
            };
            Write(w, call, person, device, loggedIn: signedIn && i >= 1, messageId(i), at);
        }
    }

    /// <summary>A /v1/batch body: the events <paramref name="writeEvents"/> writes, and the SDK's sentAt.</summary>
    public static byte[] Body(Action<Utf8JsonWriter> writeEvents, DateTimeOffset sentAt)
    {
        ArgumentNullException.ThrowIfNull(writeEvents);
        var buffer = new ArrayBufferWriter<byte>(BatchSize * 1024);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteStartArray("batch");
            writeEvents(w);
            w.WriteEndArray();
            w.WriteString("sentAt", Iso(sentAt + TimeSpan.FromMilliseconds(250)));
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes one call. Identify and alias always carry the userId; other calls only when <paramref name="loggedIn"/>.
    /// <paramref name="emailOnly"/> writes an identify that names the person by email alone (a newsletter sign-in).
    /// </summary>
    public void Write(
        Utf8JsonWriter w, Call call, Person person, Device device, bool loggedIn, string messageId, DateTimeOffset timestamp, bool emailOnly = false)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(device);
        w.WriteStartObject();
        w.WriteString("type", call.ToString().ToLowerInvariant());
        w.WriteString("messageId", messageId);
        if (!emailOnly && (loggedIn || call is Call.Identify or Call.Alias))
        {
            w.WriteString("userId", person.UserId);
        }

        w.WriteString("anonymousId", device.AnonymousId);
        w.WriteString("timestamp", Iso(timestamp));
        string? pageName = null;
        switch (call)
        {
            case Call.Identify:
                WriteTraits(w, person, emailOnly);
                break;
            case Call.Track:
                WriteTrack(w);
                break;
            case Call.Page:
                pageName = Pick(PageNames);
                w.WriteString("name", pageName);
                w.WriteStartObject("properties");
                w.WriteString("path", PathOf(pageName));
                w.WriteString("title", pageName + " | Northwind Outfitters");
                w.WriteEndObject();
                break;
            case Call.Screen:
                w.WriteString("name", Pick(ScreenNames));
                w.WriteStartObject("properties");
                w.WriteNumber("load_time_ms", _random.Next(80, 900));
                w.WriteEndObject();
                break;
            case Call.Group:
                w.WriteString("groupId", "org-" + person.Company.ToString("D5", CultureInfo.InvariantCulture));
                w.WriteStartObject("traits");
                w.WriteString("name", $"{Pick(LastNames)} {Pick(["Outdoor Club", "Climbing Gym", "Ski School", "Running Crew"])}");
                w.WriteString("industry", "Sports & Recreation");
                w.WriteNumber("employees", _random.Next(3, 400));
                w.WriteString("plan", person.Plan);
                w.WriteEndObject();
                break;
            case Call.Alias:
                w.WriteString("previousId", device.AnonymousId);
                break;
        }

        WriteContext(w, device, pageName ?? Pick(PageNames), consent: call == Call.Identify);
        w.WriteEndObject();
    }

    private void WriteTraits(Utf8JsonWriter w, Person person, bool emailOnly)
    {
        w.WriteStartObject("traits");
        w.WriteString("email", person.Email);
        if (person.Phone is not null && !emailOnly)
        {
            w.WriteString("phone", person.Phone);
        }

        w.WriteString("firstName", person.FirstName);
        w.WriteString("lastName", person.LastName);
        w.WriteString("plan", person.Plan);
        w.WriteBoolean("newsletter", _random.Next(2) == 0);
        w.WriteNumber("logins", _random.Next(1, 300));
        w.WriteString("createdAt", Iso(Epoch - TimeSpan.FromDays(_random.Next(1, 900))));
        w.WriteStartObject("address");
        w.WriteString("city", person.City);
        w.WriteString("country", person.Country);
        w.WriteString("postalCode", _random.Next(10_000, 99_999).ToString(CultureInfo.InvariantCulture));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void WriteTrack(Utf8JsonWriter w)
    {
        var roll = _random.Next(100);
        var name = TrackEvents[^1].Event;
        foreach (var (candidate, weight) in TrackEvents)
        {
            if ((roll -= weight) < 0)
            {
                name = candidate;
                break;
            }
        }

        w.WriteString("event", name);
        w.WriteStartObject("properties");
        switch (name)
        {
            case "Products Searched":
                w.WriteString("query", Pick(["rain jacket", "trail shoes size 10", "2 person tent", "chalk bag"]));
                w.WriteNumber("results", _random.Next(0, 120));
                break;
            case "Checkout Started" or "Order Completed":
                w.WriteString("order_id", "ord-" + _random.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture));
                w.WriteNumber("revenue", Math.Round((decimal)(_random.NextDouble() * 300 + 20), 2));
                w.WriteNumber("shipping", 4.99m);
                w.WriteNumber("tax", Math.Round((decimal)(_random.NextDouble() * 20), 2));
                w.WriteString("currency", "USD");
                w.WriteStartArray("products");
                for (var i = _random.Next(1, 3); i > 0; i--)
                {
                    WriteProduct(w, inArray: true);
                }

                w.WriteEndArray();
                break;
            case "Coupon Applied":
                w.WriteString("coupon_id", "SUMMER15");
                w.WriteNumber("discount", 15);
                break;
            case "Product List Viewed":
                w.WriteString("list_id", "hot-deals");
                w.WriteString("category", Pick(Categories));
                break;
            default:
                WriteProduct(w, inArray: false);
                w.WriteNumber("quantity", _random.Next(1, 3));
                w.WriteString("currency", "USD");
                break;
        }

        w.WriteEndObject();
    }

    private void WriteProduct(Utf8JsonWriter w, bool inArray)
    {
        var n = _random.Next(400);
        if (inArray)
        {
            w.WriteStartObject();
        }

        w.WriteString("product_id", "p" + n.ToString("D4", CultureInfo.InvariantCulture));
        w.WriteString("sku", $"NW-{n:D4}-{Pick(["S", "M", "L"])}");
        w.WriteString("name", $"{Pick(Brands)} {Pick(Categories)[..^1]} {n % 7 + 1}");
        w.WriteString("category", Pick(Categories));
        w.WriteNumber("price", 19.99m + n % 180);
        if (inArray)
        {
            w.WriteNumber("quantity", 1);
            w.WriteEndObject();
        }
    }

    private void WriteContext(Utf8JsonWriter w, Device device, string pageName, bool consent)
    {
        w.WriteStartObject("context");
        w.WriteStartObject("library");
        w.WriteString("name", device.Mobile ? "analytics-ios" : "analytics.js");
        w.WriteString("version", device.Mobile ? "1.5.3" : "next-1.72.0");
        w.WriteEndObject();
        var campaign = _random.Next(3) == 0 ? Pick(Campaigns) : default;
        if (device.Mobile)
        {
            w.WriteStartObject("app");
            w.WriteString("name", "Northwind");
            w.WriteString("version", "4.12.0");
            w.WriteString("build", "4120");
            w.WriteEndObject();
            w.WriteStartObject("device");
            w.WriteString("id", device.DeviceId);
            w.WriteString("manufacturer", device.Model.StartsWith("iPhone", StringComparison.Ordinal) ? "Apple" : "Google");
            w.WriteString("model", device.Model);
            w.WriteString("type", "ios");
            w.WriteEndObject();
            w.WriteStartObject("os");
            w.WriteString("name", "iOS");
            w.WriteString("version", "17.5.1");
            w.WriteEndObject();
            w.WriteStartObject("network");
            w.WriteBoolean("wifi", _random.Next(2) == 0);
            w.WriteString("carrier", "T-Mobile");
            w.WriteEndObject();
        }
        else
        {
            var path = PathOf(pageName);
            var search = campaign.Source is null ? string.Empty : $"?utm_source={campaign.Source}&utm_medium={campaign.Medium}&utm_campaign={campaign.Name}";
            w.WriteStartObject("page");
            w.WriteString("path", path);
            w.WriteString("referrer", campaign.Source is null ? "https://shop.example.com/" : $"https://www.{campaign.Source}.com/");
            w.WriteString("search", search);
            w.WriteString("title", pageName + " | Northwind Outfitters");
            w.WriteString("url", "https://shop.example.com" + path + search);
            w.WriteEndObject();
        }

        w.WriteString("userAgent", device.UserAgent);
        w.WriteString("ip", device.Ip);
        w.WriteString("locale", "en-US");
        w.WriteString("timezone", "America/New_York");
        if (campaign.Source is not null)
        {
            w.WriteStartObject("campaign");
            w.WriteString("name", campaign.Name);
            w.WriteString("source", campaign.Source);
            w.WriteString("medium", campaign.Medium);
            if (campaign.Term.Length > 0)
            {
                w.WriteString("term", campaign.Term);
            }

            w.WriteEndObject();
        }

        if (consent)
        {
            w.WriteStartObject("consent");
            w.WriteStartObject("categoryPreferences");
            w.WriteBoolean("analytics", true);
            w.WriteBoolean("marketing", _random.Next(3) != 0);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private string PathOf(string pageName) => pageName switch
    {
        "Home" => "/",
        "Category" => "/c/" + Pick(Categories).ToLowerInvariant(),
        "Product" => "/products/p" + _random.Next(400).ToString("D4", CultureInfo.InvariantCulture),
        "Search" => "/search",
        _ => "/" + pageName.ToLowerInvariant(),
    };

    /// <summary>A US number libphonenumber accepts as valid (no N11 or 555 exchanges), written as people type it.</summary>
    private string NewPhone()
    {
        var exchange = _random.Next(200, 1000);
        if (exchange % 100 == 11 || exchange == 555)
        {
            exchange++;
        }

        return $"+1 {Pick(AreaCodes)}-{exchange}-{_random.Next(0, 10_000):D4}";
    }

    private string NewUuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];

    public static string Iso(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
