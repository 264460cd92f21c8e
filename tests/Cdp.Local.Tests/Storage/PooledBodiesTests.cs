using System.Text;
using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Events;
using Cdp.Core.Profiles;
using Cdp.Local.Profiles;
using Cdp.Local.Storage;
using Microsoft.Data.Sqlite;

namespace Cdp.Local.Tests.Storage;

/// <summary>
/// The hot path's JSON bodies live in pooled buffers: what is written must still be plain JSON BLOBs a user can read
/// with the sqlite3 shell, and what is read must be each row's own bytes, however many rows share the buffer.
/// </summary>
public sealed class PooledBodiesTests : IDisposable
{
    private readonly ScratchDatabase _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Add_BodiesOutgrowingTheBuffer_EachReadsBackAsItsDocument()
    {
        using var bodies = new PooledBodies();

        // Small ones first, then one large enough to make the buffer move: the earlier bodies must move with it.
        for (var i = 0; i < 5; i++)
        {
            bodies.Add(Event($"m-{i}", propertyLength: 10), CdpJsonContext.Default.SegmentEvent);
        }

        bodies.Add(Event("m-large", propertyLength: 200_000), CdpJsonContext.Default.SegmentEvent);

        var read = Enumerable.Range(0, bodies.Count)
            .Select(i => JsonSerializer.Deserialize(bodies[i].Span, CdpJsonContext.Default.SegmentEvent)!.MessageId);
        Assert.Equal(["m-0", "m-1", "m-2", "m-3", "m-4", "m-large"], read);
    }

    [Fact]
    public async Task Read_RowsOfDifferentSizes_GivesEachRowItsOwnBytes()
    {
        var rows = new[] { "{}", "", "{\"a\":\"" + new string('x', 70_000) + "\"}", "[1,2,3]" };
        await _scratch.Database.WriteAsync(session =>
        {
            session.Execute("CREATE TABLE blobs (n INTEGER PRIMARY KEY, body BLOB NOT NULL)");
            foreach (var (row, n) in rows.Select((r, n) => (r, n)))
            {
                var insert = session.Command("INSERT INTO blobs (n, body) VALUES ($n, $body)", "$n", "$body");
                insert.Parameters[0].Value = n;
                insert.Parameters[1].Value = Encoding.UTF8.GetBytes(row);
                insert.ExecuteNonQuery();
            }

            return 0;
        }, CancellationToken.None);

        using var bodies = new PooledBodies();
        _scratch.Database.Read(session =>
        {
            using var reader = session.Command("SELECT body FROM blobs ORDER BY n").ExecuteReader();
            while (reader.Read())
            {
                bodies.Read(reader, 0);
            }

            return 0;
        });

        Assert.Equal(rows, Enumerable.Range(0, bodies.Count).Select(i => Encoding.UTF8.GetString(bodies[i].Span)));
    }

    [Fact]
    public async Task ProfileWrite_StoresAJsonBlobTheShellCanShow()
    {
        var store = new SqliteProfileStore(_scratch.Database);
        var at = new DateTimeOffset(2025, 6, 2, 8, 0, 0, TimeSpan.Zero);
        var profile = new Profile { Id = "p-1", CreatedAt = at, UpdatedAt = at };
        profile.Traits["plan"] = new TraitValue(JsonSerializer.SerializeToElement("pro"), at, "src-web");
        var etag = await store.CreateAsync(profile, CancellationToken.None);
        profile.Traits["plan"] = new TraitValue(JsonSerializer.SerializeToElement("enterprise"), at, "src-web");
        await store.ReplaceAsync(profile, etag, CancellationToken.None);

        var (type, text) = _scratch.Database.Read(session =>
        {
            using var reader = session.Command("SELECT typeof(body), CAST(body AS TEXT) FROM profiles WHERE id = 'p-1'").ExecuteReader();
            Assert.True(reader.Read());
            return (reader.GetString(0), reader.GetString(1));
        });

        Assert.Equal("blob", type);
        using var document = JsonDocument.Parse(text);
        Assert.Equal("enterprise", document.RootElement.GetProperty("traits").GetProperty("plan").GetProperty("value").GetString());
    }

    private static SegmentEvent Event(string messageId, int propertyLength) => new()
    {
        Type = EventTypes.Track,
        Event = "Order Completed",
        MessageId = messageId,
        UserId = "u-1",
        Properties = new() { ["note"] = JsonSerializer.SerializeToElement(new string('n', propertyLength)) },
    };
}
