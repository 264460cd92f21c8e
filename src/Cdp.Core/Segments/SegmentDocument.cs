using System.Text.Json;

namespace Cdp.Core.Segments;

/// <summary>
/// A stored segment (container <c>segments</c>, partition key <c>/id</c> = key): what marketers PUT at
/// <c>/api/segments/{key}</c>. <see cref="Definition"/> is kept as given; it is compiled once when loaded.
/// </summary>
public sealed record SegmentDocument(
    string Key,
    string Name,
    JsonElement Definition,
    IReadOnlyList<string> Destinations,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One problem with a definition: where (a JSON path such as <c>$.definition.all[1].op</c>) and what.</summary>
public sealed record SegmentProblem(string Path, string Message);
