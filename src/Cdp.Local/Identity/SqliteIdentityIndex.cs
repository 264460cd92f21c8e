using Cdp.Core;
using Cdp.Core.Identity;
using Cdp.Local.Storage;

namespace Cdp.Local.Identity;

/// <summary>Identity id (type and keyed hash) → profile id, one row per identity with an integer ETag.</summary>
public sealed class SqliteIdentityIndex(SqliteDatabase database) : IIdentityIndex
{
    private const string SelectSql = "SELECT profile_id, first_seen, last_seen, etag FROM identities WHERE id = $id";
    private const string SelectManySql = "SELECT id, profile_id, first_seen, last_seen, etag FROM identities WHERE id IN (";

    private const string InsertSql = """
        INSERT INTO identities (id, profile_id, first_seen, last_seen, etag) VALUES ($id, $profile, $first, $last, $etag)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string ReplaceSql = """
        UPDATE identities SET profile_id = $profile, first_seen = $first, last_seen = $last, etag = $next
        WHERE id = $id AND etag = $etag
        """;

    public Task<Versioned<IdentityLink>?> GetAsync(string identityId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identityId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(database.Read(session =>
        {
            var command = session.Command(SelectSql, "$id");
            command.Parameters[0].Value = identityId;
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return (Versioned<IdentityLink>?)null;
            }

            var link = new IdentityLink(identityId, reader.GetString(0), FromTicks(reader.GetInt64(1)), FromTicks(reader.GetInt64(2)));
            return new Versioned<IdentityLink>(link, RowETag.Format(reader.GetInt64(3)));
        }));
    }

    /// <summary>One statement per chunk of ids, on the ambient transaction when there is one (as <see cref="GetAsync"/>).</summary>
    public Task<IReadOnlyDictionary<string, Versioned<IdentityLink>>> GetManyAsync(
        IReadOnlyCollection<string> identityIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identityIds);
        cancellationToken.ThrowIfCancellationRequested();
        var found = new Dictionary<string, Versioned<IdentityLink>>(StringComparer.Ordinal);
        if (identityIds.Count > 0)
        {
            database.Read(session =>
            {
                SqliteKeyedSelect.Read(session, SelectManySql, identityIds, reader =>
                {
                    var id = reader.GetString(0);
                    var link = new IdentityLink(id, reader.GetString(1), FromTicks(reader.GetInt64(2)), FromTicks(reader.GetInt64(3)));
                    found[id] = new Versioned<IdentityLink>(link, RowETag.Format(reader.GetInt64(4)));
                });
                return found;
            });
        }

        return Task.FromResult<IReadOnlyDictionary<string, Versioned<IdentityLink>>>(found);
    }

    public async Task<bool> DeleteAsync(string identityId, string? etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identityId);
        var deleted = await database.WriteAsync(session =>
        {
            var command = etag is null
                ? session.Command("DELETE FROM identities WHERE id = $id", "$id")
                : session.Command("DELETE FROM identities WHERE id = $id AND etag = $etag", "$id", "$etag");
            command.Parameters[0].Value = identityId;
            if (etag is not null)
            {
                command.Parameters[1].Value = RowETag.Parse(etag);
            }

            return command.ExecuteNonQuery();
        }, cancellationToken);
        return deleted > 0;
    }

    public async Task<bool> TryCreateAsync(IdentityLink link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        var etag = RowETag.First();
        var inserted = await database.WriteAsync(session =>
        {
            var command = session.Command(InsertSql, "$id", "$profile", "$first", "$last", "$etag");
            command.Parameters[0].Value = link.Id;
            command.Parameters[1].Value = link.ProfileId;
            command.Parameters[2].Value = link.FirstSeen.UtcTicks;
            command.Parameters[3].Value = link.LastSeen.UtcTicks;
            command.Parameters[4].Value = etag;
            return command.ExecuteNonQuery();
        }, cancellationToken);
        return inserted == 1;
    }

    public async Task<string> ReplaceAsync(IdentityLink link, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(etag);
        var expected = RowETag.Parse(etag);
        var next = expected + 1;
        var updated = await database.WriteAsync(session =>
        {
            var command = session.Command(ReplaceSql, "$id", "$profile", "$first", "$last", "$etag", "$next");
            command.Parameters[0].Value = link.Id;
            command.Parameters[1].Value = link.ProfileId;
            command.Parameters[2].Value = link.FirstSeen.UtcTicks;
            command.Parameters[3].Value = link.LastSeen.UtcTicks;
            command.Parameters[4].Value = expected;
            command.Parameters[5].Value = next;
            return command.ExecuteNonQuery();
        }, cancellationToken);

        return updated == 1
            ? RowETag.Format(next)
            : throw new ConcurrencyConflictException($"identity {link.Id} changed or was deleted since ETag {etag} was read");
    }

    private static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);
}
