using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Privacy;
using Cdp.Local.Storage;

namespace Cdp.Local.Privacy;

/// <summary>
/// Privacy requests as JSON documents with an integer ETag. Listing runs newest received first with keyset paging;
/// the request hash and an unfinished flag are columns, so finding an identical request in progress is one index probe.
/// </summary>
public sealed class SqlitePrivacyRequestStore(SqliteDatabase database) : IPrivacyRequestStore
{
    private const string Columns = "etag, body";

    private const string InsertSql = """
        INSERT INTO privacy_requests (id, etag, received_at, request_hash, unfinished, body)
        VALUES ($id, $etag, $received, $hash, $unfinished, $body) ON CONFLICT (id) DO NOTHING
        """;

    private const string ReplaceSql = """
        UPDATE privacy_requests SET etag = $next, received_at = $received, request_hash = $hash, unfinished = $unfinished, body = $body
        WHERE id = $id AND etag = $etag
        """;

    private const string FirstPageSql =
        "SELECT received_at, id, body FROM privacy_requests ORDER BY received_at DESC, id LIMIT $limit";

    private const string NextPageSql = """
        SELECT received_at, id, body FROM privacy_requests
        WHERE received_at < $received OR (received_at = $received AND id > $id)
        ORDER BY received_at DESC, id LIMIT $limit
        """;

    private const string UnfinishedSql =
        "SELECT body FROM privacy_requests WHERE request_hash = $hash AND unfinished = 1 ORDER BY received_at LIMIT 1";

    public Task<Versioned<PrivacyRequest>?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(database.Read(session =>
        {
            var command = session.Command($"SELECT {Columns} FROM privacy_requests WHERE id = $id", "$id");
            command.Parameters[0].Value = id;
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new Versioned<PrivacyRequest>(Deserialize(reader.GetFieldValue<byte[]>(1)), RowETag.Format(reader.GetInt64(0)))
                : (Versioned<PrivacyRequest>?)null;
        }));
    }

    public async Task<string> CreateAsync(PrivacyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var etag = RowETag.First();
        var body = Serialize(request);
        var inserted = await database.WriteAsync(session =>
        {
            var command = session.Command(InsertSql, "$id", "$etag", "$received", "$hash", "$unfinished", "$body");
            Bind(command, request, body);
            command.Parameters[1].Value = etag;
            return command.ExecuteNonQuery();
        }, cancellationToken);
        return inserted == 1 ? RowETag.Format(etag) : throw new ConcurrencyConflictException($"privacy request {request.Id} already exists");
    }

    public async Task<string> ReplaceAsync(PrivacyRequest request, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(etag);
        var expected = RowETag.Parse(etag);
        var body = Serialize(request);
        var updated = await database.WriteAsync(session =>
        {
            var command = session.Command(ReplaceSql, "$id", "$etag", "$received", "$hash", "$unfinished", "$body", "$next");
            Bind(command, request, body);
            command.Parameters[1].Value = expected;
            command.Parameters[6].Value = expected + 1;
            return command.ExecuteNonQuery();
        }, cancellationToken);
        return updated == 1
            ? RowETag.Format(expected + 1)
            : throw new ConcurrencyConflictException($"privacy request {request.Id} changed or does not exist since ETag {etag} was read");
    }

    public Task<PrivacyRequestPage> ListAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var after = continuationToken is null ? ((long Ticks, string Id)?)null : PageCursor.Parse(continuationToken);
        return Task.FromResult(database.Read(session =>
        {
            var command = after is null
                ? session.Command(FirstPageSql, "$limit")
                : session.Command(NextPageSql, "$limit", "$received", "$id");
            command.Parameters[0].Value = pageSize + 1;
            if (after is { } cursor)
            {
                command.Parameters[1].Value = cursor.Ticks;
                command.Parameters[2].Value = cursor.Id;
            }

            var requests = new List<PrivacyRequest>(Math.Min(pageSize, 100));
            string? next = null;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (requests.Count == pageSize)
                {
                    var last = requests[^1];
                    next = PageCursor.Format(last.ReceivedTime.UtcTicks, last.Id);
                    break;
                }

                requests.Add(Deserialize(reader.GetFieldValue<byte[]>(2)));
            }

            return new PrivacyRequestPage(requests, next);
        }));
    }

    public Task<PrivacyRequest?> FindUnfinishedByHashAsync(string requestHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestHash);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(database.Read(session =>
        {
            var command = session.Command(UnfinishedSql, "$hash");
            command.Parameters[0].Value = requestHash;
            using var reader = command.ExecuteReader();
            return reader.Read() ? Deserialize(reader.GetFieldValue<byte[]>(0)) : null;
        }));
    }

    private static void Bind(Microsoft.Data.Sqlite.SqliteCommand command, PrivacyRequest request, byte[] body)
    {
        command.Parameters[0].Value = request.Id;
        command.Parameters[2].Value = request.ReceivedTime.UtcTicks;
        command.Parameters[3].Value = request.RequestHash;
        command.Parameters[4].Value = request.IsFinished ? 0 : 1;
        command.Parameters[5].Value = body;
    }

    private static byte[] Serialize(PrivacyRequest request) => JsonSerializer.SerializeToUtf8Bytes(request, PrivacyJsonContext.Default.PrivacyRequest);

    private static PrivacyRequest Deserialize(byte[] body) =>
        JsonSerializer.Deserialize(body, PrivacyJsonContext.Default.PrivacyRequest) ?? throw new InvalidDataException("a privacy request row has an empty body");
}
