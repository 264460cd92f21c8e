using System.Collections.Concurrent;
using Cdp.Core.Identity;
using Cdp.Core.Workflows;
using Cdp.Local.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Local.Tests.Identity;

/// <summary>
/// A merge found in the batch that created the profiles starts while that batch's transaction is still open: the merge
/// must not decide anything from a store that does not show the batch yet.
/// </summary>
public sealed class MergeInNewBatchTests
{
    /// <summary>How long the batch's commit is held back after the merge starts: ample time for the merge to run if it can.</summary>
    private static readonly TimeSpan CommitHold = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Batch_CreatesTwoProfilesAndLinksThem_MergeJoinsThemOnceTheBatchCommits()
    {
        using var data = new TempDataDirectory();
        var started = new ConcurrentQueue<MergeRequest>();
        using var factory = new LocalHostFactory(data.Path)
        {
            TestServices = services => services.AddSingleton<IMergeScheduler>(sp =>
                new CommitHoldingScheduler(sp.GetRequiredService<IWorkflowClient>(), started)),
        };
        var client = factory.CreateCdpClient();

        var response = await client.PostAsync("/v1/batch", Calls.Batch(
            Calls.Page("new-batch-anon", "new-batch-page"),
            Calls.Identify("new-batch-user", "new-batch-identify", email: "new-batch@example.com"),
            Calls.Track("new-batch-user", "new-batch-anon", "new-batch-link")));
        Assert.Equal(3, response.Accepted);
        await client.WaitForEmptyOutboxAsync();

        var request = Assert.Single(started);
        var workflows = factory.Services.GetRequiredService<IWorkflowClient>();
        var instance = await Poll.UntilAsync(() => workflows.GetAsync(request.InstanceId), i => i is { IsFinished: true }, "the merge to finish");
        var outcome = instance!.ReadOutput<MergeOutcome>();
        Assert.True(outcome?.SurvivorId is not null, $"the merge was not done: {outcome?.Refusal ?? instance.Error}");

        var byUser = (await client.FindProfileAsync("userId", "new-batch-user"))!;
        Assert.Equal(byUser.Id(), (await client.FindProfileAsync("anonymousId", "new-batch-anon"))?.Id());
        Assert.Equal(3, byUser.EventCount());
    }

    /// <summary>Starts merges as the host does, then keeps the batch's transaction open until the merge finished (or a bound passed).</summary>
    private sealed class CommitHoldingScheduler(IWorkflowClient workflows, ConcurrentQueue<MergeRequest> started) : IMergeScheduler
    {
        private readonly WorkflowMergeScheduler _inner = new(workflows);

        public async Task ScheduleAsync(MergeRequest request, CancellationToken cancellationToken)
        {
            await _inner.ScheduleAsync(request, cancellationToken);
            started.Enqueue(request);
            using var hold = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            hold.CancelAfter(CommitHold);
            try
            {
                await workflows.WaitForCompletionAsync(request.InstanceId, hold.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The merge could not finish before the commit: what a correct host does.
            }
        }
    }
}
