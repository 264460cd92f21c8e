using System.Text;
using System.Text.Json;
using Cdp.Core.Identity;
using Cdp.Core.Privacy;
using Cdp.Core.Tests.Builders;

namespace Cdp.Core.Tests.Privacy;

/// <summary>
/// Erasure finds the raw archive files to rewrite through the references kept beside each timeline (ADR 0016), and
/// through the list on documents written before them: exactly the files holding the subject's events are rewritten,
/// whatever number of batches and merges they are spread over, and no reference to the subject's profiles is left.
/// </summary>
public sealed class ErasureRawArchiveTests
{
    private const string JaneUserId = "jane-0001";
    private const string JaneAnonymousId = "anon-jane-7f3a";
    private const string BobUserId = "bob-0002";

    [Fact]
    public async Task Erasure_SubjectInManyBatchesAndAMerge_RewritesExactlyTheFilesHoldingTheirEvents()
    {
        using var privacy = new PrivacyHarness();
        var cdp = privacy.Core;
        var janeProfileIds = await JaneAcrossManyBatchesAsync(cdp);
        var bobProfileId = (await cdp.ProfileAsync(IdentifierTypes.UserId, BobUserId)).Id;
        var bobFiles = await cdp.Timeline.ListRawBlobsAsync(bobProfileId, CancellationToken.None);
        var before = await ArchiveAsync(cdp);
        var holdingJane = before.Where(f => f.Value.Contains("\"m-j", StringComparison.Ordinal)).Select(f => f.Key).ToHashSet();
        Assert.Equal(46, holdingJane.Count);
        Assert.Contains(before.Keys, path => !holdingJane.Contains(path));

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("userId", JaneUserId)));

        Assert.Equal(PrivacyRequestStatuses.Completed, request.Status);
        var certificate = JsonSerializer.Deserialize(
            (await privacy.Documents.ReadAsync(DocumentAreas.Certificates, request.Id + ".json", CancellationToken.None))!,
            PrivacyJsonContext.Default.ErasureCertificate)!;
        Assert.Equal(holdingJane.Count, certificate.Counts[PrivacyStores.RawEventFiles]);
        var after = await ArchiveAsync(cdp);
        foreach (var (path, text) in after)
        {
            Assert.DoesNotContain("\"m-j", text, StringComparison.Ordinal);
            if (!holdingJane.Contains(path))
            {
                Assert.Equal(before[path], text);
            }
        }

        foreach (var id in janeProfileIds)
        {
            Assert.Empty(await cdp.Timeline.ListRawBlobsAsync(id, CancellationToken.None));
        }

        Assert.Equal(bobFiles, await cdp.Timeline.ListRawBlobsAsync(bobProfileId, CancellationToken.None));
        Assert.Empty(await privacy.FindTracesAsync([("userId", JaneUserId), ("anonymousId", JaneAnonymousId)], janeProfileIds, [request.WorkflowInstanceId()]));
    }

    [Fact]
    public async Task Erasure_ProfileWrittenBeforeReferencesMovedOffTheDocument_RewritesTheFilesItLists()
    {
        using var privacy = new PrivacyHarness();
        var cdp = privacy.Core;
        for (var i = 0; i < 5; i++)
        {
            await cdp.ProcessAsync(
                EventBuilder.Track("Viewed").UserId(JaneUserId).MessageId($"m-j{i}"),
                EventBuilder.Track("Viewed").UserId(BobUserId).MessageId($"m-b{i}"));
        }

        // As a build before ADR 0016 left it: the files on Jane's document, none beside her timeline.
        var jane = (await cdp.Profiles.GetAsync((await cdp.ProfileAsync(IdentifierTypes.UserId, JaneUserId)).Id, CancellationToken.None))!.Value;
        var files = await cdp.Timeline.ListRawBlobsAsync(jane.Value.Id, CancellationToken.None);
        await cdp.Profiles.ReplaceAsync(jane.Value with { RawBlobs = [.. files] }, jane.ETag, CancellationToken.None);
        cdp.Timeline.ForgetRawBlobs(jane.Value.Id);

        var request = await privacy.SubmitAndRunAsync(PrivacyRequestBuilder.Erasure(("userId", JaneUserId)));

        Assert.Equal(PrivacyRequestStatuses.Completed, request.Status);
        Assert.Equal(5, files.Count);
        Assert.All((await ArchiveAsync(cdp)).Values, text =>
        {
            Assert.DoesNotContain("\"m-j", text, StringComparison.Ordinal);
            Assert.Contains("\"m-b", text, StringComparison.Ordinal);
        });
    }

    /// <summary>
    /// Jane browses anonymously over 20 batches, then signs up and shops over 20 more, sharing some files with Bob; a
    /// sign-in joins her two profiles; she goes on over 5 batches. Bob also has batches of his own. Returns her profile ids.
    /// </summary>
    private static async Task<List<string>> JaneAcrossManyBatchesAsync(CoreHarness cdp)
    {
        for (var i = 0; i < 20; i++)
        {
            await cdp.ProcessAsync(i % 2 == 0
                ? new[] { EventBuilder.Page("Home").AnonymousId(JaneAnonymousId).MessageId($"m-ja{i}"), EventBuilder.Track("Viewed").UserId(BobUserId).MessageId($"m-ba{i}") }
                : new[] { EventBuilder.Page("Home").AnonymousId(JaneAnonymousId).MessageId($"m-ja{i}") });
            await cdp.ProcessAsync(EventBuilder.Track("Viewed").UserId(BobUserId).MessageId($"m-bo{i}"));
        }

        for (var i = 0; i < 20; i++)
        {
            await cdp.ProcessAsync(i % 2 == 0
                ? new[] { EventBuilder.Track("Viewed").UserId(JaneUserId).MessageId($"m-ju{i}"), EventBuilder.Track("Viewed").UserId(BobUserId).MessageId($"m-bu{i}") }
                : new[] { EventBuilder.Track("Viewed").UserId(JaneUserId).MessageId($"m-ju{i}") });
        }

        var ids = new List<string>
        {
            (await cdp.ProfileAsync(IdentifierTypes.AnonymousId, JaneAnonymousId)).Id,
            (await cdp.ProfileAsync(IdentifierTypes.UserId, JaneUserId)).Id,
        };
        await cdp.ProcessAsync(EventBuilder.Track("Signed In").UserId(JaneUserId).AnonymousId(JaneAnonymousId).MessageId("m-join"));
        Assert.Single(await cdp.RunMergesAsync());
        for (var i = 0; i < 5; i++)
        {
            await cdp.ProcessAsync(EventBuilder.Track("Order Completed").UserId(JaneUserId).MessageId($"m-jo{i}"));
        }

        Assert.Equal((await cdp.ProfileAsync(IdentifierTypes.AnonymousId, JaneAnonymousId)).Id, (await cdp.ProfileAsync(IdentifierTypes.UserId, JaneUserId)).Id);
        return ids;
    }

    private static async Task<Dictionary<string, string>> ArchiveAsync(CoreHarness cdp)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in cdp.Archive.Paths)
        {
            files[path] = Encoding.UTF8.GetString((await cdp.Archive.ReadAsync(path, CancellationToken.None))!);
        }

        return files;
    }
}
