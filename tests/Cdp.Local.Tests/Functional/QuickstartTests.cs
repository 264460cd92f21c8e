using System.Net;
using Cdp.Local.Tests.Infrastructure;

namespace Cdp.Local.Tests.Functional;

public sealed class QuickstartTests
{
    [Fact]
    public async Task Identify_WithBasicAuth_ProfileFoundByUserIdAndEmail()
    {
        using var data = new TempDataDirectory();
        using var host = new LocalHostFactory(data.Path);
        var client = host.CreateCdpClient();

        // What the README's curl does: -u KEY: -H 'Content-Type: application/json' -d '{...}'
        var sent = await client.PostAsync("/v1/identify",
            """{"userId":"quick-1","traits":{"email":"Jane.Doe@Example.COM","name":"Jane","plan":"pro"}}""");

        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.Equal("""{"success":true,"accepted":1,"rejected":[]}""", sent.Body);

        var byUserId = await client.WaitForProfileAsync("userId", "quick-1", timeout: TimeSpan.FromSeconds(5));
        Assert.Equal("Jane", byUserId.Trait("name"));
        Assert.Equal("pro", byUserId.Trait("plan"));
        Assert.Equal(1, byUserId.CountOf("identify"));

        var byEmail = await client.WaitForProfileAsync("email", "  jane.doe@example.com ");
        Assert.Equal(byUserId.Id(), byEmail.Id());

        var byId = await client.GetAsync($"/api/profiles/{byUserId.Id()}");
        Assert.Equal(HttpStatusCode.OK, byId.Status);
        Assert.Equal("Jane.Doe@Example.COM", byId.Json!.Trait("email"));
    }
}
