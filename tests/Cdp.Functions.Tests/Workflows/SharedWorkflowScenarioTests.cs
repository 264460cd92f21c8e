using System.Text.Json;
using Cdp.Core.Identity;
using Cdp.Core.Privacy;

namespace Cdp.Functions.Tests.Workflows;

/// <summary>
/// The merge, erasure and access workflows give the same results through the Durable adapter (in the in-process test
/// host) as on Core's journaled runner, on the same input: <see cref="SharedWorkflowScenario"/> run on both.
/// </summary>
public sealed class SharedWorkflowScenarioTests
{
    [Fact]
    public async Task SharedScenario_DurableAndJournaledHosts_GiveTheSameResults()
    {
        WorkflowScenarioResult durable;
        await using (var host = await DurableScenarioHost.StartAsync(SharedWorkflowScenario.Pepper))
        {
            durable = await SharedWorkflowScenario.RunAsync(host);
        }

        WorkflowScenarioResult journaled;
        using (var host = new JournaledScenarioHost(SharedWorkflowScenario.Pepper))
        {
            journaled = await SharedWorkflowScenario.RunAsync(host);
        }

        // What the scenario must show on either host, so that agreeing is not agreeing on nothing.
        AssertExpected(journaled);

        Assert.Equal(journaled.Merges, durable.Merges);
        Assert.Equal(journaled.AfterMerge, durable.AfterMerge);
        Assert.Equal(journaled.Erasure, durable.Erasure);
        Assert.Equal(journaled.Access, durable.Access);
        Assert.Equal(journaled.Final, durable.Final);
        Assert.Equal(journaled.Callbacks, durable.Callbacks);
    }

    private static void AssertExpected(WorkflowScenarioResult result)
    {
        // One merge: Ann's anonymous profile folded into her known one, which holds every identifier of both.
        var merge = Assert.Single(JsonSerializer.Deserialize<List<MergeOutcome>>(result.Merges)!);
        var loser = Assert.Single(merge.Merged);
        var afterMerge = JsonDocument.Parse(result.AfterMerge).RootElement;
        var survivor = afterMerge.GetProperty(merge.SurvivorId!).GetProperty("document");
        Assert.Equal(["anonymousId:anon-ann", $"email:{SharedWorkflowScenario.AnnEmail}", "userId:ann-1"],
            survivor.GetProperty("identifiers").EnumerateArray()
                .Select(i => $"{i.GetProperty("type").GetString()}:{i.GetProperty("value").GetString()}").Order(StringComparer.Ordinal));
        Assert.Equal(["m-a1", "m-a2", "m-a3", "m-a4"],
            afterMerge.GetProperty(merge.SurvivorId!).GetProperty("timeline").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(merge.SurvivorId, afterMerge.GetProperty(loser).GetProperty("document").GetProperty("mergedInto").GetString());

        // The erasure took both of Ann's profiles and left no trace.
        var erasure = JsonDocument.Parse(result.Erasure).RootElement;
        Assert.Equal(PrivacyRequestStatuses.Completed, erasure.GetProperty("status").GetString());
        var certificate = erasure.GetProperty("results");
        Assert.True(certificate.GetProperty("verification").GetProperty("clean").GetBoolean());
        Assert.Equal(2, certificate.GetProperty("counts").GetProperty(PrivacyStores.Profiles).GetInt32());
        Assert.Equal(SharedWorkflowScenario.OrchestrationClock, certificate.GetProperty("completedTime").GetString());

        // Ben's package: his profile with his latest name, his three events.
        var access = JsonDocument.Parse(result.Access).RootElement;
        Assert.Equal(PrivacyRequestStatuses.Completed, access.GetProperty("status").GetString());
        var package = access.GetProperty("results");
        var ben = Assert.Single(package.GetProperty("profiles").EnumerateArray());
        Assert.Equal("Ben Ode", ben.GetProperty("traits").GetProperty("name").GetProperty("value").GetString());
        Assert.Equal(["m-b3", "m-b2", "m-b1"], package.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("id").GetString()));

        // Left: Ben and Cal, nothing of Ann.
        var final = JsonDocument.Parse(result.Final).RootElement;
        Assert.Equal(3, final.EnumerateObject().Count());
        foreach (var value in new[] { "anon-ann", "ann-1", SharedWorkflowScenario.AnnEmail, "m-a1" })
        {
            Assert.DoesNotContain(value, result.Final, StringComparison.Ordinal);
        }

        Assert.Equal(4, result.Callbacks.Split('\n').Length);
    }
}
