using System.Text.Json;
using Cdp.Core.Identity;
using Cdp.Core.Profiles;
using Cdp.Core.Tests.Builders;

namespace Cdp.Core.Tests.Processing;

/// <summary>
/// Which raw archive files hold a person's events is recorded beside their timeline (ADR 0016), not on their profile
/// document: the document stays the same size however many batches the person appears in, and a merge hands the
/// loser's files to the survivor.
/// </summary>
public sealed class RawArchiveReferencesTests : IDisposable
{
    private readonly CoreHarness _core = new();

    [Fact]
    public async Task ProcessAsync_PersonInManyBatches_DocumentStopsGrowingWhileEveryFileIsListed()
    {
        var sizes = new Dictionary<int, int>();
        for (var batch = 1; batch <= 400; batch++)
        {
            await _core.ProcessAsync(EventBuilder.Track("Viewed").UserId("u1").MessageId($"m-{batch:D4}"));
            if (batch is 200 or 400)
            {
                sizes[batch] = JsonSerializer.SerializeToUtf8Bytes(await _core.ProfileAsync(IdentifierTypes.UserId, "u1"), CdpJsonContext.Default.Profile).Length;
            }
        }

        // Once the recent message ids are full (200), 200 more batches add nothing; a path per batch would add ~11 KB.
        Assert.InRange(sizes[400], sizes[200] - 16, sizes[200] + 16);
        Assert.Equal(400, _core.Archive.Paths.Count);
        Assert.Equal(_core.Archive.Paths.Order(StringComparer.Ordinal), await _core.RawBlobsAsync(IdentifierTypes.UserId, "u1"));
        var document = JsonSerializer.Serialize(await _core.ProfileAsync(IdentifierTypes.UserId, "u1"), CdpJsonContext.Default.Profile);
        Assert.DoesNotContain("rawBlobs", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_LoserInManyBatches_SurvivorListsEveryFileAndTheLoserNone()
    {
        var anonymous = await BatchesAsync(10, i => EventBuilder.Page("Home").AnonymousId("anon-1").MessageId($"m-a{i}"));
        var identified = await BatchesAsync(10, i => EventBuilder.Track("Viewed").UserId("u1").MessageId($"m-u{i}"));
        var loserCandidates = new[] { (await _core.ProfileAsync(IdentifierTypes.AnonymousId, "anon-1")).Id, (await _core.ProfileAsync(IdentifierTypes.UserId, "u1")).Id };
        var joining = await BatchesAsync(1, _ => EventBuilder.Track("Signed In").UserId("u1").AnonymousId("anon-1").MessageId("m-join"));

        await _core.RunMergesAsync();

        var survivor = await _core.ProfileAsync(IdentifierTypes.AnonymousId, "anon-1");
        var loser = Assert.Single(loserCandidates, id => id != survivor.Id);
        Assert.Equal(survivor.Id, (await _core.ProfileAsync(IdentifierTypes.UserId, "u1")).Id);
        Assert.Equal(anonymous.Concat(identified).Concat(joining).Order(StringComparer.Ordinal), await _core.Timeline.ListRawBlobsAsync(survivor.Id, CancellationToken.None));
        Assert.Empty(await _core.Timeline.ListRawBlobsAsync(loser, CancellationToken.None));
        Assert.Null(survivor.RawBlobs);
    }

    [Fact]
    public async Task Merge_LoserWrittenBeforeReferencesMovedOffTheDocument_SurvivorListsItsLegacyFiles()
    {
        var anonymous = await BatchesAsync(3, i => EventBuilder.Page("Home").AnonymousId("anon-1").MessageId($"m-a{i}"));
        var identified = await BatchesAsync(3, i => EventBuilder.Track("Viewed").UserId("u1").MessageId($"m-u{i}"));
        foreach (var (type, value, files) in new[] { (IdentifierTypes.AnonymousId, "anon-1", anonymous), (IdentifierTypes.UserId, "u1", identified) })
        {
            await MakeLegacyAsync(await _core.ProfileAsync(type, value), files);
        }

        var joining = await BatchesAsync(1, _ => EventBuilder.Track("Signed In").UserId("u1").AnonymousId("anon-1").MessageId("m-join"));
        await _core.RunMergesAsync();

        var survivor = await _core.ProfileAsync(IdentifierTypes.UserId, "u1");
        var listed = (await _core.Timeline.ListRawBlobsAsync(survivor.Id, CancellationToken.None)).Concat(survivor.RawBlobs ?? []);
        Assert.Equal(anonymous.Concat(identified).Concat(joining).Order(StringComparer.Ordinal), listed.Distinct().Order(StringComparer.Ordinal));
    }

    public void Dispose() => _core.Dispose();

    private async Task<List<string>> BatchesAsync(int count, Func<int, EventBuilder> build)
    {
        var paths = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var before = _core.Archive.Paths.ToHashSet(StringComparer.Ordinal);
            await _core.ProcessAsync(build(i));
            paths.Add(Assert.Single(_core.Archive.Paths, p => !before.Contains(p)));
        }

        return paths;
    }

    /// <summary>The profile as a build before ADR 0016 left it: its files on the document, none beside the timeline.</summary>
    private async Task MakeLegacyAsync(Profile profile, List<string> files)
    {
        var stored = (await _core.Profiles.GetAsync(profile.Id, CancellationToken.None))!.Value;
        await _core.Profiles.ReplaceAsync(stored.Value with { RawBlobs = files }, stored.ETag, CancellationToken.None);
        _core.Timeline.ForgetRawBlobs(profile.Id);
    }
}
