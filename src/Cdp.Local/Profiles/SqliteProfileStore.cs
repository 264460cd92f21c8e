using System.Text.Json;
using Cdp.Core;
using Cdp.Core.Profiles;
using Cdp.Local.Storage;

namespace Cdp.Local.Profiles;

/// <summary>Profiles as JSON documents keyed by id, with an integer ETag column for conditional writes.</summary>
public sealed class SqliteProfileStore(SqliteDatabase database) : IProfileStore
{
    private const string SelectSql = "SELECT etag, body FROM profiles WHERE id = $id";
    private const string InsertSql = "INSERT INTO profiles (id, etag, body) VALUES ($id, $etag, $body) ON CONFLICT (id) DO NOTHING";
    private const string ReplaceSql = "UPDATE profiles SET etag = $next, body = $body WHERE id = $id AND etag = $etag";

    public Task<Versioned<Profile>?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(database.Read(session =>
        {
            var command = session.Command(SelectSql, "$id");
            command.Parameters[0].Value = id;
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return (Versioned<Profile>?)null;
            }

            var profile = JsonSerializer.Deserialize(reader.GetFieldValue<byte[]>(1), CdpJsonContext.Default.Profile)
                ?? throw new InvalidDataException($"profile {id} has an empty body");
            return new Versioned<Profile>(profile, RowETag.Format(reader.GetInt64(0)));
        }));
    }

    public async Task<string> CreateAsync(Profile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var body = JsonSerializer.SerializeToUtf8Bytes(profile, CdpJsonContext.Default.Profile);
        var etag = RowETag.First();
        var inserted = await database.WriteAsync(session =>
        {
            var command = session.Command(InsertSql, "$id", "$etag", "$body");
            command.Parameters[0].Value = profile.Id;
            command.Parameters[1].Value = etag;
            command.Parameters[2].Value = body;
            return command.ExecuteNonQuery();
        }, cancellationToken);

        return inserted == 1
            ? RowETag.Format(etag)
            : throw new ConcurrencyConflictException($"profile {profile.Id} already exists");
    }

    public async Task<string> ReplaceAsync(Profile profile, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(etag);
        var body = JsonSerializer.SerializeToUtf8Bytes(profile, CdpJsonContext.Default.Profile);
        var expected = RowETag.Parse(etag);
        var next = expected + 1;
        var updated = await database.WriteAsync(session =>
        {
            var command = session.Command(ReplaceSql, "$id", "$etag", "$next", "$body");
            command.Parameters[0].Value = profile.Id;
            command.Parameters[1].Value = expected;
            command.Parameters[2].Value = next;
            command.Parameters[3].Value = body;
            return command.ExecuteNonQuery();
        }, cancellationToken);

        return updated == 1
            ? RowETag.Format(next)
            : throw new ConcurrencyConflictException($"profile {profile.Id} changed or was deleted since ETag {etag} was read");
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var deleted = await database.WriteAsync(session =>
        {
            var command = session.Command("DELETE FROM profiles WHERE id = $id", "$id");
            command.Parameters[0].Value = id;
            return command.ExecuteNonQuery();
        }, cancellationToken);
        return deleted > 0;
    }
}
