using System.Diagnostics.Metrics;
using Cdp.Core.Ingestion;
using Cdp.Core.Profiles;
using Cdp.Functions.Ingestion;
using Cdp.Functions.Tests.Infrastructure;
using Cdp.Tests.Metrics;
using Cdp.Tests.Time;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Functions.Tests.Ingestion;

/// <summary>
/// The Event Hubs trigger with batches of strings, as the extension delivers them, over the app's own wiring: what
/// lands in the profiles, what is set aside as a dead letter, and what is retried.
/// </summary>
public sealed class ProcessEventsFunctionTests : IDisposable
{
    private static readonly DateTimeOffset T0 = FunctionsHarness.Start.AddMinutes(-30);

    private readonly FunctionsHarness _harness = new();
    private ProcessingMeter? _meter;

    private ProcessingMeter Meter => _meter ??= new ProcessingMeter(_harness.Get<IMeterFactory>());

    [Fact]
    public async Task Run_ValidBatch_CreatesTheProfiles()
    {
        await ProcessAsync(
            HubMessages.Identify("u-1", "m-1", T0, "plan", "pro"),
            HubMessages.Track("u-2", "m-2", "Signed Up", T0));

        Assert.Equal("pro", (await ProfileOfAsync("u-1")).Traits["plan"].Value.GetString());
        Assert.Equal(1, (await ProfileOfAsync("u-2")).Computed.EventCounts["Signed Up"]);
        Assert.Empty(_harness.DeadLetters.All);
    }

    [Fact]
    public async Task Run_SameMessageIdInOneBatchAndAcrossBatches_CountsItOnce()
    {
        var order = HubMessages.Track("u-1", "m-1", "Order Completed", T0);

        await ProcessAsync(order, order);
        await ProcessAsync(order);

        var profile = await ProfileOfAsync("u-1");
        Assert.Equal(1, profile.Computed.EventCounts["Order Completed"]);
        Assert.Equal(1, profile.Computed.EventCount);
    }

    [Fact]
    public async Task Run_OutOfOrderTimestamps_TheLaterTraitValueWins()
    {
        await ProcessAsync(
            HubMessages.Identify("u-1", "m-2", T0.AddMinutes(5), "plan", "pro"),
            HubMessages.Identify("u-1", "m-1", T0, "plan", "free"));
        await ProcessAsync(HubMessages.Identify("u-1", "m-0", T0.AddMinutes(-5), "plan", "trial"));

        Assert.Equal("pro", (await ProfileOfAsync("u-1")).Traits["plan"].Value.GetString());
    }

    [Fact]
    public async Task Run_ProcessingThrowsOnce_ProcessedExactlyOnceAndNothingDeadLettered()
    {
        _harness.Decorate<IDedupStore>(inner => new FlakyDedupStore(inner, call => call == 1 ? new InvalidOperationException("lost a race") : null));

        await ProcessAsync(HubMessages.Track("u-1", "m-1", "Order Completed", T0), HubMessages.Track("u-1", "m-2", "Order Completed", T0));

        Assert.Equal(2, (await ProfileOfAsync("u-1")).Computed.EventCounts["Order Completed"]);
        Assert.Empty(_harness.DeadLetters.All);
        Assert.Equal(1, Meter.Total("cdp.processing.retries", "batch"));
    }

    [Fact]
    public async Task Run_PoisonMessage_IsDeadLetteredWithItsReasonAndTheRestOfTheBatchIsProcessed()
    {
        _harness.Decorate<IRawEventArchive>(inner => new PoisonArchive(inner, "u-poison"));
        var poison = HubMessages.Track("u-poison", "m-2", "Viewed", T0);

        await ProcessAsync(HubMessages.Track("u-1", "m-1", "Viewed", T0), poison, HubMessages.Track("u-3", "m-3", "Viewed", T0));

        var letter = Assert.Single(_harness.DeadLetters.All);
        Assert.Equal(poison, letter.Message);
        Assert.Equal(DeadLetterKinds.ProcessingFailed, letter.Kind);
        Assert.Equal("System.InvalidOperationException: this event breaks the archive writer", letter.Reason);
        Assert.Equal(5, letter.Attempts);
        Assert.Equal((1, 3, "m-2"), (letter.Index, letter.BatchSize, letter.MessageId));
        Assert.Equal(("7", 1001L), (letter.PartitionId, letter.SequenceNumber));
        Assert.Equal(_harness.Time.GetUtcNow(), letter.DeadLetteredAt);
        Assert.NotNull(await ProfileOfAsync("u-1"));
        Assert.NotNull(await ProfileOfAsync("u-3"));
        Assert.Equal(LookupStatus.NotFound, (await LookUpAsync("u-poison")).Status);
        Assert.Equal(1, Meter.Total("cdp.processing.dead_letters", DeadLetterKinds.ProcessingFailed));
    }

    [Fact]
    public async Task Run_TransientFaultOverSeveralAttempts_IsWaitedOutAndNothingIsDeadLettered()
    {
        const int Outage = 9;
        _harness.Decorate<IDedupStore>(inner => new FlakyDedupStore(inner, call => call <= Outage ? new TimeoutException("store unavailable") : null));

        await ProcessAsync(HubMessages.Track("u-1", "m-1", "Viewed", T0), HubMessages.Track("u-2", "m-2", "Viewed", T0));

        Assert.Empty(_harness.DeadLetters.All);
        Assert.NotNull(await ProfileOfAsync("u-1"));
        Assert.NotNull(await ProfileOfAsync("u-2"));
        Assert.Equal(Outage, Meter.Total("cdp.processing.transient_waits", "batch"));
        Assert.Equal(0, Meter.Total("cdp.processing.retries"));
        var delays = ((JumpingTimeProvider)_harness.Time).Delays;
        Assert.Equal(TimeSpan.FromSeconds(1), delays[0]);
        Assert.Equal(TimeSpan.FromSeconds(30), delays.Max());
    }

    [Fact]
    public async Task Run_MessageThatIsNotAnEvent_IsDeadLetteredWithTheReadersReason()
    {
        const string NotAnEvent = """{"type":"track","userId":"u-9"}""";
        var (_, expectedReason) = _harness.Get<QueuedEventReader>().ReadOne(NotAnEvent, _harness.Time.GetUtcNow());

        await ProcessAsync(NotAnEvent, HubMessages.Track("u-1", "m-1", "Viewed", T0));

        var letter = Assert.Single(_harness.DeadLetters.All);
        Assert.Equal((NotAnEvent, DeadLetterKinds.NotAnEvent, expectedReason), (letter.Message, letter.Kind, letter.Reason));
        Assert.Equal((0, 0), (letter.Index, letter.Attempts));
        Assert.NotNull(await ProfileOfAsync("u-1"));
        Assert.Equal(1, Meter.Total("cdp.processing.dead_letters", DeadLetterKinds.NotAnEvent));
    }

    [Fact]
    public async Task Run_CancelledDuringAnOutage_HandsTheEventsBackToTheHubAndFails()
    {
        using var shutdown = new CancellationTokenSource();
        _harness.Decorate<IDedupStore>(inner => new FlakyDedupStore(inner, call =>
        {
            if (call == 3)
            {
                shutdown.Cancel();
            }

            return new TimeoutException("store unavailable");
        }));

        await Assert.ThrowsAnyAsync<Exception>(() => ProcessAsync(shutdown.Token, HubMessages.Track("u-1", "m-1", "Viewed", T0), HubMessages.Track("u-2", "m-2", "Viewed", T0)));

        Assert.Equal(["m-1", "m-2"], _harness.Queue.Take().Select(e => e.MessageId));
        Assert.Empty(_harness.DeadLetters.All);
        Assert.Equal(2, Meter.Total("cdp.processing.handed_back"));
    }

    public void Dispose()
    {
        _meter?.Dispose();
        _harness.Dispose();
    }

    private Task ProcessAsync(params string[] messages) => ProcessAsync(CancellationToken.None, messages);

    private Task ProcessAsync(CancellationToken cancellationToken, params string[] messages)
    {
        _ = Meter;
        var context = HubMessages.Context("7", 1000, messages.Length, T0);
        return _harness.Create<ProcessEventsFunction>().Run(messages, HubMessages.Durable(), context, cancellationToken);
    }

    private async Task<Profile> ProfileOfAsync(string userId) =>
        (await LookUpAsync(userId)).Profile ?? throw new InvalidOperationException($"no profile for {userId}");

    private Task<LookupResult> LookUpAsync(string userId) => _harness.Get<ProfileLookup>().FindAsync("userId", userId, CancellationToken.None);
}
