using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Segments;
using Cdp.Local.Storage;

namespace Cdp.Local.Segments;

/// <summary>Segment documents as JSON keyed by segment key, with an integer ETag column for conditional writes.</summary>
public sealed class SqliteSegmentStore(SqliteDatabase database) : ISegmentStore
{
    private const string SelectSql = "SELECT etag, body FROM segments WHERE key = $key";
    private const string InsertSql = "INSERT INTO segments (key, etag, body) VALUES ($key, $etag, $body) ON CONFLICT (key) DO NOTHING";
    private const string ReplaceSql = "UPDATE segments SET etag = $next, body = $body WHERE key = $key AND etag = $etag";

    public Task<Versioned<SegmentDocument>?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(database.Read(session =>
        {
            var command = session.Command(SelectSql, "$key");
            command.Parameters[0].Value = key;
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new Versioned<SegmentDocument>(Deserialize(reader.GetFieldValue<byte[]>(1)), RowETag.Format(reader.GetInt64(0)))
                : (Versioned<SegmentDocument>?)null;
        }));
    }

    public Task<IReadOnlyList<SegmentDocument>> ListAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<SegmentDocument>>(database.Read(session =>
        {
            var command = session.Command("SELECT body FROM segments ORDER BY key");
            var segments = new List<SegmentDocument>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                segments.Add(Deserialize(reader.GetFieldValue<byte[]>(0)));
            }

            return segments;
        }));
    }

    public async Task<string> CreateAsync(SegmentDocument segment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var body = JsonSerializer.SerializeToUtf8Bytes(segment, CdpJsonContext.Default.SegmentDocument);
        var etag = RowETag.First();
        var inserted = await database.WriteAsync(session =>
        {
            var command = session.Command(InsertSql, "$key", "$etag", "$body");
            command.Parameters[0].Value = segment.Key;
            command.Parameters[1].Value = etag;
            command.Parameters[2].Value = body;
            return command.ExecuteNonQuery();
        }, cancellationToken);
        return inserted == 1 ? RowETag.Format(etag) : throw new ConcurrencyConflictException($"segment {segment.Key} already exists");
    }

    public async Task<string> ReplaceAsync(SegmentDocument segment, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(etag);
        var body = JsonSerializer.SerializeToUtf8Bytes(segment, CdpJsonContext.Default.SegmentDocument);
        var expected = RowETag.Parse(etag);
        var updated = await database.WriteAsync(session =>
        {
            var command = session.Command(ReplaceSql, "$key", "$etag", "$next", "$body");
            command.Parameters[0].Value = segment.Key;
            command.Parameters[1].Value = expected;
            command.Parameters[2].Value = expected + 1;
            command.Parameters[3].Value = body;
            return command.ExecuteNonQuery();
        }, cancellationToken);
        return updated == 1
            ? RowETag.Format(expected + 1)
            : throw new ConcurrencyConflictException($"segment {segment.Key} changed or was deleted since ETag {etag} was read");
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var deleted = await database.WriteAsync(session =>
        {
            var command = session.Command("DELETE FROM segments WHERE key = $key", "$key");
            command.Parameters[0].Value = key;
            return command.ExecuteNonQuery();
        }, cancellationToken);
        return deleted > 0;
    }

    private static SegmentDocument Deserialize(byte[] body) =>
        JsonSerializer.Deserialize(body, CdpJsonContext.Default.SegmentDocument) ?? throw new InvalidDataException("a segment row has an empty body");
}
