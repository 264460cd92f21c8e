using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Segments;

/// <summary>A stored segment with its compiled definition (null when this build cannot compile it).</summary>
public sealed record CatalogSegment(SegmentDocument Document, CompiledSegment? Compiled)
{
    public string Key => Document.Key;
}

/// <summary>
/// The segments in use, each compiled once: what membership evaluation and ingest's rollups read. Reloaded from the
/// store when this host saves or deletes a segment, and at most every <see cref="SegmentCatalogOptions.CatalogReloadSeconds"/>
/// otherwise, so segments saved on another instance (Azure) are picked up too.
/// </summary>
public sealed partial class SegmentCatalog : IRollupPlanSource, IDisposable
{
    private readonly ISegmentStore _store;
    private readonly ISegmentCompiler? _compiler;
    private readonly TimeSpan _maxAge;
    private readonly TimeProvider _time;
    private readonly ILogger<SegmentCatalog> _logger;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly int _defaultDays;
    private readonly int _marginDays;
    private volatile Snapshot _snapshot;

    /// <param name="compilers">The segment language's compiler (registered by the language); none makes every definition unusable.</param>
    public SegmentCatalog(
        ISegmentStore store,
        IEnumerable<ISegmentCompiler> compilers,
        IOptions<SegmentCatalogOptions> options,
        IOptions<SegmentOptions> rollups,
        TimeProvider time,
        ILogger<SegmentCatalog> logger)
    {
        ArgumentNullException.ThrowIfNull(compilers);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _compiler = compilers.LastOrDefault();
        ArgumentNullException.ThrowIfNull(rollups);
        _maxAge = TimeSpan.FromSeconds(options.Value.CatalogReloadSeconds);
        _defaultDays = rollups.Value.DefaultRollupDays;
        _marginDays = rollups.Value.RollupMarginDays;
        _snapshot = Snapshot.Empty(PlanOf([]));
        _time = time;
        _logger = logger;
    }

    /// <summary>The compiler definitions are checked with; null when the segment language is not part of this build.</summary>
    public ISegmentCompiler? Compiler => _compiler;

    /// <summary>The rollups ingest keeps: every filter in use, and the longest window in days plus a margin.</summary>
    public RollupPlan Current => _snapshot.Plan;

    /// <summary>The segments as last loaded (without going to the store).</summary>
    public IReadOnlyDictionary<string, CatalogSegment> Loaded => _snapshot.ByKey;

    /// <summary>The segments, reloaded first when the loaded ones are older than the reload interval.</summary>
    public async Task<IReadOnlyDictionary<string, CatalogSegment>> GetAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot.LoadedAt is { } at && _time.GetUtcNow() - at < _maxAge)
        {
            return snapshot.ByKey;
        }

        await ReloadAsync(cancellationToken);
        return _snapshot.ByKey;
    }

    /// <summary>Reads every segment again; definitions whose stored form did not change keep their compiled form.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _reloading.WaitAsync(cancellationToken);
        try
        {
            var previous = _snapshot.ByKey;
            var loadedAt = _time.GetUtcNow();
            var documents = await _store.ListAsync(cancellationToken);
            var byKey = new Dictionary<string, CatalogSegment>(StringComparer.Ordinal);
            foreach (var document in documents)
            {
                byKey[document.Key] = previous.TryGetValue(document.Key, out var known) && known.Document.UpdatedAt == document.UpdatedAt
                    && known.Document.Definition.GetRawText() == document.Definition.GetRawText()
                        ? known with { Document = document }
                        : new CatalogSegment(document, Compile(document));
            }

            _snapshot = new Snapshot(byKey, PlanOf(byKey.Values), loadedAt);
        }
        finally
        {
            _reloading.Release();
        }
    }

    public void Dispose() => _reloading.Dispose();

    private CompiledSegment? Compile(SegmentDocument document)
    {
        if (_compiler is null)
        {
            LogNoCompiler(_logger, document.Key);
            return null;
        }

        var result = _compiler.Compile(document.Definition);
        if (result.Segment is null)
        {
            // Saved definitions were compiled when saved; a newer build may be stricter. The segment is left out, not guessed at.
            LogUnusable(_logger, document.Key, result.Problems.Count);
        }

        return result.Segment;
    }

    /// <summary>
    /// Rollups are kept for the default period even when no segment needs them, so a segment defined later finds
    /// history to count; a longer window in use extends it.
    /// </summary>
    private RollupPlan PlanOf(IEnumerable<CatalogSegment> segments)
    {
        var filters = new Dictionary<string, RollupFilter>(StringComparer.Ordinal);
        var longest = TimeSpan.Zero;
        foreach (var needs in segments.Select(s => s.Compiled?.Needs).OfType<RollupNeeds>())
        {
            foreach (var filter in needs.Filters)
            {
                filters.TryAdd(filter.Key, filter);
            }

            longest = needs.LongestWindow > longest ? needs.LongestWindow : longest;
        }

        return new RollupPlan([.. filters.Values], Math.Max(_defaultDays, (int)Math.Ceiling(longest.TotalDays)) + _marginDays);
    }

    private sealed record Snapshot(IReadOnlyDictionary<string, CatalogSegment> ByKey, RollupPlan Plan, DateTimeOffset? LoadedAt)
    {
        public static Snapshot Empty(RollupPlan plan) => new(new Dictionary<string, CatalogSegment>(StringComparer.Ordinal), plan, null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Segment {SegmentKey} is not evaluated: no segment compiler is registered in this build")]
    private static partial void LogNoCompiler(ILogger logger, string segmentKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Segment {SegmentKey} is not evaluated: its stored definition has {Problems} problem(s) with this build")]
    private static partial void LogUnusable(ILogger logger, string segmentKey, int problems);
}
