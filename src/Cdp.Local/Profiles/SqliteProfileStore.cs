using Cdp.Core;
using Cdp.Core.Profiles;
using Cdp.Local.Storage;

namespace Cdp.Local.Profiles;

/// <summary>Profiles as JSON documents keyed by id, with an integer ETag column for conditional writes.</summary>
public sealed class SqliteProfileStore(SqliteDatabase database) : IProfileStore
{
    private const string SelectSql = "SELECT etag, body FROM profiles WHERE id = $id";
    private const string SelectManySql = "SELECT id, etag, body FROM profiles WHERE id IN (";
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

            using var body = new PooledBodies();
            body.Read(reader, 1);
            return new Versioned<Profile>(
                BulkJson.Deserialize(body[0].Span, CdpJsonContext.Default.Profile, $"profile {id}"), RowETag.Format(reader.GetInt64(0)));
        }));
    }

    /// <summary>One statement per chunk of ids, on the ambient transaction when there is one (as <see cref="GetAsync"/>).</summary>
    public Task<IReadOnlyDictionary<string, Versioned<Profile>>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        var found = new Dictionary<string, Versioned<Profile>>(StringComparer.Ordinal);
        if (ids.Count > 0)
        {
            var rows = new List<(string Id, long ETag)>(ids.Count);
            using var bodies = new PooledBodies();
            database.Read(session =>
            {
                SqliteKeyedSelect.Read(session, SelectManySql, ids, reader =>
                {
                    rows.Add((reader.GetString(0), reader.GetInt64(1)));
                    bodies.Read(reader, 2);
                });
                return rows;
            });
            var profiles = BulkJson.Deserialize(bodies, CdpJsonContext.Default.Profile, i => $"profile {rows[i].Id}");
            for (var i = 0; i < rows.Count; i++)
            {
                found[rows[i].Id] = new Versioned<Profile>(profiles[i], RowETag.Format(rows[i].ETag));
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, Versioned<Profile>>>(found);
    }

    public async Task<string> CreateAsync(Profile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        using var body = new PooledBodies();
        body.Add(profile, CdpJsonContext.Default.Profile);
        var etag = RowETag.First();
        var inserted = await database.WriteAsync(session =>
        {
            var command = session.Command(InsertSql, "$id", "$etag", "$body");
            command.Parameters[0].Value = profile.Id;
            command.Parameters[1].Value = etag;
            command.Parameters[2].Value = body[0];
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
        using var body = new PooledBodies();
        body.Add(profile, CdpJsonContext.Default.Profile);
        var expected = RowETag.Parse(etag);
        var next = expected + 1;
        var updated = await database.WriteAsync(session =>
        {
            var command = session.Command(ReplaceSql, "$id", "$etag", "$next", "$body");
            command.Parameters[0].Value = profile.Id;
            command.Parameters[1].Value = expected;
            command.Parameters[2].Value = next;
            command.Parameters[3].Value = body[0];
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
