using System.Buffers;
using System.Text;
using System.Text.Json;
using Cdp.Core.Segments;
using Cdp.Local.Storage;

namespace Cdp.Local.Segments;

/// <summary>The members index: one narrow row per (segment, profile), paged by profile id.</summary>
public sealed class SqliteSegmentMembers(SqliteDatabase database) : ISegmentMembers
{
    private const string UpsertSql = """
        INSERT INTO segment_members (segment_key, profile_id, since, seq) VALUES ($segment, $profile, $since, $seq)
        ON CONFLICT (segment_key, profile_id) DO UPDATE SET since = excluded.since, seq = excluded.seq
        """;

    // CROSS JOIN keeps json_each as the outer loop (SQLite never reorders it), so each id is one lookup in
    // segment_members_by_profile whatever the planner would estimate for a table-valued function.
    private const string SegmentsOfManySql = """
        SELECT m.profile_id, m.segment_key FROM json_each($ids) AS ids CROSS JOIN segment_members AS m ON m.profile_id = ids.value
        """;

    private const string PageSql = """
        SELECT profile_id, since, seq FROM segment_members WHERE segment_key = $segment AND profile_id > $after
        ORDER BY profile_id LIMIT $limit
        """;

    public Task UpsertAsync(SegmentMember member, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        return database.WriteAsync(session =>
        {
            var command = session.Command(UpsertSql, "$segment", "$profile", "$since", "$seq");
            command.Parameters[0].Value = member.SegmentKey;
            command.Parameters[1].Value = member.ProfileId;
            command.Parameters[2].Value = member.Since.UtcTicks;
            command.Parameters[3].Value = member.Seq;
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task RemoveAsync(string segmentKey, string profileId, CancellationToken cancellationToken) =>
        database.WriteAsync(session =>
        {
            var command = session.Command("DELETE FROM segment_members WHERE segment_key = $segment AND profile_id = $profile", "$segment", "$profile");
            command.Parameters[0].Value = segmentKey;
            command.Parameters[1].Value = profileId;
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public Task<long> CountAsync(string segmentKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(database.Read(session =>
        {
            var command = session.Command("SELECT COUNT(*) FROM segment_members WHERE segment_key = $segment", "$segment");
            command.Parameters[0].Value = segmentKey;
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }));
    }

    public Task<SegmentMembersPage> PageAsync(string segmentKey, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var after = continuation is null ? string.Empty : PageCursor.Parse(continuation).Id;
        return Task.FromResult(database.Read(session =>
        {
            var command = session.Command(PageSql, "$segment", "$after", "$limit");
            command.Parameters[0].Value = segmentKey;
            command.Parameters[1].Value = after;
            command.Parameters[2].Value = pageSize + 1;
            var members = new List<SegmentMember>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                members.Add(new SegmentMember(segmentKey, reader.GetString(0), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero), reader.GetInt64(2)));
            }

            // One row more than asked tells whether another page follows, without a count.
            return members.Count > pageSize
                ? new SegmentMembersPage(members[..pageSize], PageCursor.Format(0, members[pageSize - 1].ProfileId))
                : new SegmentMembersPage(members, null);
        }));
    }

    public Task<IReadOnlyList<string>> SegmentsOfAsync(string profileId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<string>>(database.Read(session =>
        {
            var command = session.Command("SELECT segment_key FROM segment_members WHERE profile_id = $profile ORDER BY segment_key", "$profile");
            command.Parameters[0].Value = profileId;
            var keys = new List<string>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                keys.Add(reader.GetString(0));
            }

            return keys;
        }));
    }

    /// <summary>One query for a page of profiles (their ids travel as one JSON array parameter, read by json_each).</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> SegmentsOfAsync(IReadOnlyCollection<string> profileIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profileIds);
        cancellationToken.ThrowIfCancellationRequested();
        var ids = JsonArray(profileIds);
        return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<string>>>(database.Read(session =>
        {
            var command = session.Command(SegmentsOfManySql, "$ids");
            command.Parameters[0].Value = ids;
            var listed = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var profileId = reader.GetString(0);
                if (!listed.TryGetValue(profileId, out var keys))
                {
                    listed[profileId] = keys = new List<string>();
                }

                ((List<string>)keys).Add(reader.GetString(1));
            }

            return listed;
        }));
    }

    public Task RemoveProfileAsync(string profileId, CancellationToken cancellationToken) =>
        database.WriteAsync(session =>
        {
            var command = session.Command("DELETE FROM segment_members WHERE profile_id = $profile", "$profile");
            command.Parameters[0].Value = profileId;
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public Task RemoveSegmentAsync(string segmentKey, CancellationToken cancellationToken) =>
        database.WriteAsync(session =>
        {
            var command = session.Command("DELETE FROM segment_members WHERE segment_key = $segment", "$segment");
            command.Parameters[0].Value = segmentKey;
            return command.ExecuteNonQuery();
        }, cancellationToken);

    private static string JsonArray(IReadOnlyCollection<string> values)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
