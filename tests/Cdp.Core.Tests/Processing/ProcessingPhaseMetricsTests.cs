using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Cdp.Core.Ingestion;
using Cdp.Core.Tests.Builders;
using Cdp.Tests.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Cdp.Core.Tests.Processing;

/// <summary>
/// An operator watching <c>cdp.processing.phase.duration</c> sees how long each step of every processed batch took, so
/// a slow consumer shows whether it waits on reads, on writes or on its own work.
/// </summary>
public sealed class ProcessingPhaseMetricsTests : IDisposable
{
    private readonly CoreHarness _cdp = new();
    private readonly ScopedMeters _meters = new();
    private readonly ProcessingMeter _recorded;

    public ProcessingPhaseMetricsTests()
    {
        _cdp.WithServices(services => services.AddSingleton<IMeterFactory>(_meters));

        // Only this harness's meter: other tests in the run process batches too.
        _recorded = new ProcessingMeter(_meters);
    }

    private IReadOnlyList<(string? Phase, double Seconds)> Phases => _recorded.Of(ProcessingMetrics.PhaseDurationName);

    public void Dispose()
    {
        _recorded.Dispose();
        _cdp.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task Process_BatchOfNewAndKnownPeople_RecordsEveryStepOnce()
    {
        await _cdp.ProcessAsync(
            EventBuilder.Identify().UserId("u-1").Trait("email", "ada@example.com").MessageId("m-1"),
            EventBuilder.Track("Product Viewed").UserId("u-1").MessageId("m-2"),
            EventBuilder.Track("Product Viewed").AnonymousId("a-9").MessageId("m-3"));

        Assert.Equal(ProcessingPhases.All.Order(StringComparer.Ordinal), Phases.Select(r => r.Phase).Order(StringComparer.Ordinal));
        Assert.All(Phases, r => Assert.True(r.Seconds >= 0, $"{r.Phase} took {r.Seconds} s"));
    }

    [Fact]
    public async Task Process_BatchOfRepeats_RecordsOnlyScreeningAndMarking()
    {
        var events = new[] { EventBuilder.Track("Product Viewed").UserId("u-1").MessageId("m-1") };
        await _cdp.ProcessAsync(events);
        _recorded.Clear();

        // A redelivered batch: nothing is read, archived or written, so those steps report no time at all.
        await _cdp.ProcessAsync(events);

        Assert.Equal([ProcessingPhases.Screen, ProcessingPhases.Mark], Phases.Select(r => r.Phase));
    }

    /// <summary>An <see cref="IMeterFactory"/> whose meters carry it as their scope, as a host's own factory does.</summary>
    private sealed class ScopedMeters : IMeterFactory
    {
        private readonly ConcurrentBag<Meter> _created = [];

        public Meter Create(MeterOptions options)
        {
            options.Scope = this;
            var meter = new Meter(options);
            _created.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in _created)
            {
                meter.Dispose();
            }
        }
    }
}
