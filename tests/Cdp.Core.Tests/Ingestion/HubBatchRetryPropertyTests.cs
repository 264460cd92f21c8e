using System.Text.Json;
using Cdp.Core.Events;
using Cdp.Core.Ingestion;
using Cdp.Core.Tests.Builders;
using Cdp.Tests.InMemory;
using Cdp.Tests.Time;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Tests.Ingestion;

/// <summary>
/// Whatever the mix of good, poison and unreadable messages and however long a transient outage lasts: every good
/// event is processed, every poison or unreadable message is dead-lettered exactly once, and nothing else is.
/// </summary>
public sealed class HubBatchRetryPropertyTests
{
    private static readonly Gen<Scenario> GenScenario = Gen.Select(
        Gen.Frequency((6, Gen.Const(Kind.Good)), (2, Gen.Const(Kind.Poison)), (1, Gen.Const(Kind.Unreadable))).List[1, 12],
        Gen.Int[0, 12],
        Gen.Int[1, 4],
        (kinds, transientFailures, maxAttempts) => new Scenario(kinds, transientFailures, maxAttempts));

    public enum Kind
    {
        Good,
        Poison,
        Unreadable,
    }

    [Fact]
    public async Task ProcessAsync_RandomPoisonAndTransientFailures_ProcessesEveryGoodEventAndDeadLettersEachBadMessageOnce()
    {
        await GenScenario.SampleAsync(async scenario =>
        {
            var time = new JumpingTimeProvider(TestOptions.Now);
            var deadLetters = new InMemoryDeadLetterArchive();
            var queue = new InMemoryEventQueue();
            using var metrics = new ProcessingMetrics(null);
            var options = Options.Create(new HubRetryOptions { MaxAttempts = scenario.MaxAttempts, FirstDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromSeconds(1) });
            var retry = new RetryLoop(new CommonTransientFaults(), options, metrics, time, NullLogger<RetryLoop>.Instance);
            var hub = new HubBatchRetry(new QueuedEventReader(new EventNormalizer(time), time), deadLetters, queue, retry, metrics, time, NullLogger<HubBatchRetry>.Instance);
            var messages = scenario.Kinds.Select((kind, i) => Message(kind, i)).ToArray();
            var processed = new HashSet<string>(StringComparer.Ordinal);
            var transientLeft = scenario.TransientFailures;

            // Partial progress before a failure, as a real batch makes; re-processing is idempotent (a set).
            var outcome = await hub.ProcessAsync(messages, HubBatchOrigin.Unknown, (events, _) =>
            {
                foreach (var e in events)
                {
                    if (transientLeft > 0)
                    {
                        transientLeft--;
                        throw new TimeoutException("store unavailable");
                    }

                    if (e.UserId!.StartsWith("poison", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException("cannot process");
                    }

                    processed.Add(e.MessageId!);
                }

                return Task.CompletedTask;
            }, CancellationToken.None);

            var good = Ids(scenario, Kind.Good);
            Assert.Equal(good, processed.Order(StringComparer.Ordinal));
            Assert.Equal(
                Ids(scenario, Kind.Poison).Select(id => (id, DeadLetterKinds.ProcessingFailed))
                    .Concat(Ids(scenario, Kind.Unreadable).Select(id => (id, DeadLetterKinds.NotAnEvent)))
                    .Order(),
                deadLetters.All.Select(d => (IdOf(d), d.Kind)).Order());
            Assert.Equal(deadLetters.All.Count, deadLetters.Writes);
            Assert.Equal(new HubBatchOutcome(good.Count, deadLetters.All.Count), outcome);
            Assert.Equal(0, queue.Count);
        }, iter: 200);
    }

    private static List<string> Ids(Scenario scenario, Kind kind) =>
        [.. scenario.Kinds.Select((k, i) => (k, i)).Where(x => x.k == kind).Select(x => $"m-{x.i:D2}").Order(StringComparer.Ordinal)];

    /// <summary>Good and poison messages are queued events; an unreadable one is an event without an identifier.</summary>
    private static string Message(Kind kind, int index) => kind == Kind.Unreadable
        ? $$"""{"type":"track","event":"No One","messageId":"m-{{index:D2}}"}"""
        : JsonSerializer.Serialize(
            new SegmentEvent
            {
                Type = EventTypes.Track,
                Event = "Viewed",
                MessageId = $"m-{index:D2}",
                UserId = (kind == Kind.Poison ? "poison-" : "user-") + index,
                SourceId = "src-web",
                Timestamp = TestOptions.Now,
                ReceivedAt = TestOptions.Now,
            },
            CdpJsonContext.Default.SegmentEvent);

    /// <summary>The messageId, read back from the stored text for unreadable messages (the reader never gave them one).</summary>
    private static string IdOf(DeadLetter letter) =>
        letter.MessageId ?? JsonDocument.Parse(letter.Message).RootElement.GetProperty("messageId").GetString()!;

    public sealed record Scenario(List<Kind> Kinds, int TransientFailures, int MaxAttempts)
    {
        public override string ToString() => $"[{string.Join(",", Kinds)}] transient={TransientFailures} attempts={MaxAttempts}";
    }
}
