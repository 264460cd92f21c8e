using System.Text;
using Cdp.Core.Destinations;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Tests.Destinations;

public sealed class MemberFilesTests : IDisposable
{
    private readonly DestinationHarness _h = new(c => c.With("Cdp:Destinations:files:Format", "ndjson"));

    [Fact]
    public async Task WriteMemberFileAsync_Members_WritesConsentingLiveProfilesAndRecordsEach()
    {
        await _h.ProfileAsync("p1");
        await _h.ProfileAsync("p2", marketing: false);

        var result = await _h.Core.Services.GetRequiredService<MemberFiles>()
            .WriteMemberFileAsync("files", "vip", Ids("p1", "p2", "missing", "p1"), CancellationToken.None);

        Assert.Equal(1, result.Members);
        var lines = Encoding.UTF8.GetString((await _h.Documents.ReadAsync(result.File.Area, result.File.Path, CancellationToken.None))!)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("""{"email":"p1@example.com","plan":"pro"}""", Assert.Single(lines));
        var record = Assert.Single(_h.Ledger.All);
        Assert.Equal(("p1", "files", "vip"), (record.ProfileId, record.Destination, record.Segment));
    }

    private static async IAsyncEnumerable<string> Ids(params string[] ids)
    {
        foreach (var id in ids)
        {
            await Task.Yield();
            yield return id;
        }
    }

    public void Dispose() => _h.Dispose();
}
