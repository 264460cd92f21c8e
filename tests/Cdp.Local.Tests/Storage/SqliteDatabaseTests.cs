using Cdp.Core;
using Cdp.Core.Events;
using Cdp.Core.Identity;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Local.Identity;
using Cdp.Local.Ingestion;
using Cdp.Local.Profiles;
using Cdp.Local.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using System.Text.Json;

namespace Cdp.Local.Tests.Storage;

public sealed class SqliteDatabaseTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 1, 31, 12, 0, 0, TimeSpan.Zero);
    private readonly ScratchDatabase _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task RunInTransactionAsync_WorkThrows_UndoesEveryWriteOfEveryStore()
    {
        var database = _scratch.Database;
        var profiles = new SqliteProfileStore(database);
        var identities = new SqliteIdentityIndex(database);
        var timeline = new SqliteTimelineStore(database);

        await Assert.ThrowsAsync<TimeoutException>(() => database.RunInTransactionAsync(async () =>
        {
            await profiles.CreateAsync(new Profile { Id = "p-1" }, CancellationToken.None);
            await identities.TryCreateAsync(new IdentityLink("email:abc", "p-1", Now, Now), CancellationToken.None);
            await timeline.AppendAsync("p-1", [new TimelineEvent { Id = "m-1", ProfileId = "p-1", Type = "track" }], null, CancellationToken.None);
            throw new TimeoutException("downstream timed out");
        }));

        Assert.Null(await profiles.GetAsync("p-1", CancellationToken.None));
        Assert.Null(await identities.GetAsync("email:abc", CancellationToken.None));
        Assert.Empty((await timeline.GetPageAsync("p-1", 10, null, CancellationToken.None)).Events);
    }

    [Fact]
    public async Task RunInTransactionAsync_Uncommitted_InvisibleToOtherReadersUntilCommit()
    {
        var database = _scratch.Database;
        var profiles = new SqliteProfileStore(database);
        Versioned<Profile>? seenOutside = null;

        await database.RunInTransactionAsync(async () =>
        {
            await profiles.CreateAsync(new Profile { Id = "p-1" }, CancellationToken.None);
            Assert.NotNull(await profiles.GetAsync("p-1", CancellationToken.None));

            // A flow that does not inherit the transaction reads the last committed state.
            Task<Versioned<Profile>?> outside;
            using (ExecutionContext.SuppressFlow())
            {
                outside = Task.Run(() => profiles.GetAsync("p-1", CancellationToken.None));
            }

            seenOutside = await outside;
        });

        Assert.Null(seenOutside);
        Assert.NotNull(await profiles.GetAsync("p-1", CancellationToken.None));
    }

    [Fact]
    public async Task RunInTransactionAsync_BulkReads_SeeTheTransactionsOwnWrites()
    {
        var database = _scratch.Database;
        var profiles = new SqliteProfileStore(database);
        var identities = new SqliteIdentityIndex(database);

        await database.RunInTransactionAsync(async () =>
        {
            // A batch reads its links and profiles in bulk on the write connection, like its point reads.
            await profiles.CreateAsync(new Profile { Id = "p-1" }, CancellationToken.None);
            await identities.TryCreateAsync(new IdentityLink("email:abc", "p-1", Now, Now), CancellationToken.None);

            Assert.Equal(["p-1"], (await profiles.GetManyAsync(["p-1", "p-2"], CancellationToken.None)).Keys);
            Assert.Equal("p-1", (await identities.GetManyAsync(["email:abc", "email:def"], CancellationToken.None))["email:abc"].Value.ProfileId);
        });
    }

    [Fact]
    public async Task RunInTransactionAsync_Nested_JoinsOuterTransaction()
    {
        var database = _scratch.Database;
        var profiles = new SqliteProfileStore(database);

        await Assert.ThrowsAsync<InvalidOperationException>(() => database.RunInTransactionAsync(async () =>
        {
            await database.RunInTransactionAsync(() => profiles.CreateAsync(new Profile { Id = "p-inner" }, CancellationToken.None));
            throw new InvalidOperationException("outer fails after inner finished");
        }));

        Assert.Null(await profiles.GetAsync("p-inner", CancellationToken.None));
    }

    [Fact]
    public async Task WriteAsync_ManyConcurrentWriters_AllCommit()
    {
        var profiles = new SqliteProfileStore(_scratch.Database);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            Task.Run(() => profiles.CreateAsync(new Profile { Id = $"p-{i}" }, CancellationToken.None))));

        for (var i = 0; i < 200; i++)
        {
            Assert.NotNull(await profiles.GetAsync($"p-{i}", CancellationToken.None));
        }
    }

    [Fact]
    public async Task Constructor_ExistingDatabase_KeepsData()
    {
        var profiles = new SqliteProfileStore(_scratch.Database);
        var etag = await profiles.CreateAsync(new Profile { Id = "p-1" }, CancellationToken.None);

        var reopened = new SqliteProfileStore(_scratch.Reopen());

        Assert.Equal(etag, (await reopened.GetAsync("p-1", CancellationToken.None))!.Value.ETag);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Constructor_VersionOneDatabase_MovesTheTimelineToOneIndexAndKeepsEveryEvent(bool hadRawBlobColumn)
    {
        // Version 1 as it shipped: timeline keyed by (profile, id) plus the newest-first index; the first releases
        // also lacked the raw-archive column and its reference table (ADR 0016).
        Directory.CreateDirectory(_scratch.DataDirectory);
        using (var old = new SqliteConnection($"Data Source={Path.Combine(_scratch.DataDirectory, SqliteDatabase.FileName)};Pooling=False"))
        {
            old.Open();
            using var ddl = old.CreateCommand();
            ddl.CommandText = $"""
                CREATE TABLE timeline (
                    profile_id TEXT NOT NULL, id TEXT NOT NULL, ts INTEGER NOT NULL, body BLOB NOT NULL,
                    {(hadRawBlobColumn ? "raw_blob TEXT," : "")}
                    PRIMARY KEY (profile_id, id));
                CREATE INDEX timeline_newest_first ON timeline (profile_id, ts DESC, id DESC);
                PRAGMA user_version = 1;
                """;
            ddl.ExecuteNonQuery();
            for (var i = 1; i <= 3; i++)
            {
                var e = new TimelineEvent { Id = $"m-{i}", ProfileId = "p-1", Type = "track", Timestamp = Now.AddMinutes(i) };
                using var insert = old.CreateCommand();
                insert.CommandText = "INSERT INTO timeline (profile_id, id, ts, body) VALUES ('p-1', $id, $ts, $body)";
                insert.Parameters.AddWithValue("$id", e.Id);
                insert.Parameters.AddWithValue("$ts", e.Timestamp.UtcTicks);
                insert.Parameters.AddWithValue("$body", JsonSerializer.SerializeToUtf8Bytes(e, CdpJsonContext.Default.TimelineEvent));
                insert.ExecuteNonQuery();
            }
        }

        var timeline = new SqliteTimelineStore(_scratch.Reopen());
        var again = new TimelineEvent { Id = "m-2", ProfileId = "p-1", Type = "track", Timestamp = Now.AddMinutes(2) };
        var next = new TimelineEvent { Id = "m-4", ProfileId = "p-1", Type = "track", Timestamp = Now.AddMinutes(4) };
        await timeline.AppendAsync("p-1", [again, next], "2025/01/31/12/b.ndjson", CancellationToken.None);

        var page = await timeline.GetPageAsync("p-1", 10, null, CancellationToken.None);
        Assert.Equal(["m-4", "m-3", "m-2", "m-1"], page.Events.Select(e => e.Id));
        Assert.Equal(["2025/01/31/12/b.ndjson"], await timeline.ListRawBlobsAsync("p-1", CancellationToken.None));
        var (version, indexes) = _scratch.Database.Read(session =>
        {
            using var command = session.Connection.CreateCommand();
            command.CommandText = "PRAGMA user_version";
            var v = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            command.CommandText = "SELECT group_concat(name || ':' || \"unique\", ',') FROM pragma_index_list('timeline')";
            return (v, (string)command.ExecuteScalar()!);
        });
        Assert.Equal(SqliteSchema.Version, version);
        Assert.Equal("timeline_newest_first:1", indexes);
    }

    [Fact]
    public async Task AppendAsync_SameEventTwice_KeepsOneRow()
    {
        var timeline = new SqliteTimelineStore(_scratch.Database);
        var e = new TimelineEvent { Id = "m-1", ProfileId = "p-1", Type = "track", Timestamp = Now };

        await timeline.AppendAsync("p-1", [e], "a.ndjson", CancellationToken.None);
        await timeline.AppendAsync("p-1", [e, e], "b.ndjson", CancellationToken.None);

        Assert.Single((await timeline.GetPageAsync("p-1", 10, null, CancellationToken.None)).Events);
        Assert.Equal(["a.ndjson", "b.ndjson"], await timeline.ListRawBlobsAsync("p-1", CancellationToken.None));
    }

    [Fact]
    public void Constructor_RelativeDataDirectory_CreatesItUnderCurrentDirectory()
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(_scratch.DataDirectory, "nested"));
        using var database = new SqliteDatabase(Options.Create(new LocalStoreOptions { DataDirectory = relative }), []);

        Assert.True(File.Exists(Path.Combine(_scratch.DataDirectory, "nested", SqliteDatabase.FileName)));
    }

    [Fact]
    public async Task AddCdpLocalStorage_Configured_ResolvesEveryPortOnOneDatabase()
    {
        await using var services = Services(new() { ["Cdp:Local:DataDirectory"] = _scratch.DataDirectory });

        var outbox = services.GetRequiredService<ILocalOutbox>();
        Assert.Same(outbox, services.GetRequiredService<IEventQueue>());
        Assert.Same(services.GetRequiredService<ISourceDirectory>(), services.GetRequiredService<ILocalSources>());
        Assert.IsType<FileRawEventArchive>(services.GetRequiredService<IRawEventArchive>());
        Assert.IsType<SqliteDedupStore>(services.GetRequiredService<IDedupStore>());
        Assert.IsType<SqliteTimelineStore>(services.GetRequiredService<ITimelineStore>());
        Assert.IsType<SqliteIdentityIndex>(services.GetRequiredService<IIdentityIndex>());

        var profiles = services.GetRequiredService<IProfileStore>();
        await outbox.EnqueueAsync([new SegmentEvent { MessageId = "m-1", Type = "track" }], CancellationToken.None);
        await outbox.ProcessNextAsync(10, (_, ct) => profiles.CreateAsync(new Profile { Id = "p-1" }, ct), CancellationToken.None);
        Assert.NotNull(await profiles.GetAsync("p-1", CancellationToken.None));
        Assert.True(File.Exists(Path.Combine(_scratch.DataDirectory, SqliteDatabase.FileName)));
    }

    [Theory]
    [InlineData("Cdp:Local:DataDirectory", "")]
    [InlineData("Cdp:Local:Synchronous", "7")]
    public async Task AddCdpLocalStorage_BadSetting_FailsNamingTheSetting(string key, string value)
    {
        await using var services = Services(new() { ["Cdp:Local:DataDirectory"] = _scratch.DataDirectory, [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LocalStoreOptions>>().Value);

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCdpLocalStorage_UnknownSynchronousLevel_FailsNamingTheSetting()
    {
        await using var services = Services(new() { ["Cdp:Local:DataDirectory"] = _scratch.DataDirectory, ["Cdp:Local:Synchronous"] = "Off" });

        var error = Assert.ThrowsAny<Exception>(() => services.GetRequiredService<IOptions<LocalStoreOptions>>().Value);

        Assert.Contains("Cdp:Local:Synchronous", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddCdpLocalStorage(configuration).BuildServiceProvider();
    }
}
