using System.Security.Cryptography;
using System.Text;
using Cdp.Core.Ingestion;
using Cdp.Local.Storage;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Ingestion;

/// <summary>The local host's own management of sources: a default one on first start, more for imports and tests.</summary>
public interface ILocalSources
{
    /// <summary>
    /// Creates the source named <see cref="SqliteSourceDirectory.DefaultName"/> with a random write key if there is none.
    /// The plain key is returned only by the call that created it: afterwards only its hash exists.
    /// </summary>
    Task<(Source Source, string? NewWriteKey)> EnsureDefaultSourceAsync(CancellationToken cancellationToken);

    /// <summary>Adds a source that accepts <paramref name="writeKey"/>; throws if the key already belongs to a source.</summary>
    Task<Source> AddSourceAsync(string name, string writeKey, CancellationToken cancellationToken);

    /// <summary>The oldest source with that name, or null.</summary>
    Task<Source?> FindByNameAsync(string name, CancellationToken cancellationToken);
}

/// <summary>
/// Sources in SQLite. Write keys are kept only as SHA-256 hashes, so the database file does not leak them. The
/// default source's allowed origins come from settings (<c>Cdp:Local:DefaultSource:AllowedOrigins</c>), so changing
/// them is a restart, not a database edit.
/// </summary>
public sealed class SqliteSourceDirectory(SqliteDatabase database, TimeProvider time, IOptions<DefaultSourceOptions>? options = null)
    : ISourceDirectory, ILocalSources
{
    private readonly IReadOnlyList<string> _defaultOrigins = SourceOrigins.FromSettings(options?.Value.DefaultSource.AllowedOrigins);

    public const string DefaultName = "default";

    private const string ByKeySql = "SELECT id, name FROM sources WHERE write_key_sha256 = $hash";
    private const string ByNameSql = "SELECT id, name FROM sources WHERE name = $name ORDER BY created_at, id LIMIT 1";

    private const string InsertSql = """
        INSERT INTO sources (id, name, write_key_sha256, created_at) VALUES ($id, $name, $hash, $created)
        ON CONFLICT (write_key_sha256) DO NOTHING
        """;

    public Task<Source?> FindByWriteKeyAsync(string writeKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writeKey);
        cancellationToken.ThrowIfCancellationRequested();
        var hash = Hash(writeKey);
        return Task.FromResult(WithOrigins(database.Read(session => Find(session, ByKeySql, "$hash", hash))));
    }

    public Task<Source?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(WithOrigins(database.Read(session => Find(session, ByNameSql, "$name", name))));
    }

    public async Task<(Source Source, string? NewWriteKey)> EnsureDefaultSourceAsync(CancellationToken cancellationToken)
    {
        var writeKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var candidate = new Source(NewId(), DefaultName);
        var hash = Hash(writeKey);
        var created = time.GetUtcNow().UtcTicks;

        // Look-up and insert share one write transaction, so two starting processes cannot both create one.
        var (source, newKey) = await database.WriteAsync(session =>
        {
            if (Find(session, ByNameSql, "$name", DefaultName) is { } existing)
            {
                return (existing, (string?)null);
            }

            Insert(session, candidate, hash, created);
            return (candidate, writeKey);
        }, cancellationToken);
        return (WithOrigins(source)!, newKey);
    }

    public async Task<Source> AddSourceAsync(string name, string writeKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrEmpty(writeKey);
        var source = new Source(NewId(), name);
        var hash = Hash(writeKey);
        var created = time.GetUtcNow().UtcTicks;
        var inserted = await database.WriteAsync(session => Insert(session, source, hash, created), cancellationToken);
        return inserted
            ? WithOrigins(source)!
            : throw new InvalidOperationException($"the write key given for source '{name}' already belongs to another source");
    }

    /// <summary>The default source carries the configured origins; other local sources (imports, tests) allow any.</summary>
    private Source? WithOrigins(Source? source) =>
        source is { Name: DefaultName } && _defaultOrigins.Count > 0 ? source with { AllowedOrigins = _defaultOrigins } : source;

    private static Source? Find(SqliteSession session, string sql, string parameter, string value)
    {
        var command = session.Command(sql, parameter);
        command.Parameters[0].Value = value;
        using var reader = command.ExecuteReader();
        return reader.Read() ? new Source(reader.GetString(0), reader.GetString(1)) : null;
    }

    private static bool Insert(SqliteSession session, Source source, string hash, long createdTicks)
    {
        var command = session.Command(InsertSql, "$id", "$name", "$hash", "$created");
        command.Parameters[0].Value = source.Id;
        command.Parameters[1].Value = source.Name;
        command.Parameters[2].Value = hash;
        command.Parameters[3].Value = createdTicks;
        return command.ExecuteNonQuery() == 1;
    }

    private static string NewId() => "src_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static string Hash(string writeKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(writeKey)));
}
