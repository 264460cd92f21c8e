using System.Text.Json;
using Cdp.Core.Http;
using Cdp.Core.Profiles;
using Microsoft.AspNetCore.Http;

namespace Cdp.Core.Segments;

/// <summary>
/// The segments API on both hosts: <c>PUT/GET/DELETE /api/segments/{key}</c>, <c>GET /api/segments</c>,
/// <c>POST /api/segments/preview</c>, <c>GET /api/segments/{key}/members</c>, <c>POST /api/segments/refresh</c> and
/// <c>GET /api/profiles/{id}/segments</c>. Rules live in <see cref="SegmentDefinitions"/> and the catalog; this class maps
/// outcomes to HTTP in one place. Invalid bodies answer 400 <c>{"errors": [{"path", "message"}]}</c>.
/// </summary>
public sealed class SegmentEndpoint(
    SegmentDefinitions definitions, ISegmentStore store, ISegmentMembers members, SegmentCatalog catalog, SegmentPreview preview,
    SegmentRefreshStarter refresh, ProfileLookup lookup)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    public static readonly BodyRules Body = new(256 * 1024, AllowTextPlain: false, "a segment");

    public async Task<HttpAnswer> PutAsync(string key, HttpRequest request, CancellationToken cancellationToken)
    {
        var read = await RequestBodies.ReadAsync(request, Body, cancellationToken);
        if (read.Refused)
        {
            return HttpAnswer.Error(read.Status, read.Error!);
        }

        var saved = await definitions.SaveAsync(key, read.Body, cancellationToken);
        return saved.Status switch
        {
            SegmentSaveStatus.Created => Segment(StatusCodes.Status201Created, saved.Segment!, null),
            SegmentSaveStatus.Updated => Segment(StatusCodes.Status200OK, saved.Segment!, null),
            SegmentSaveStatus.Conflict => HttpAnswer.Error(StatusCodes.Status409Conflict, saved.Problems[0].Message),
            _ => Problems(saved.Problems),
        };
    }

    public async Task<HttpAnswer> ListAsync(CancellationToken cancellationToken)
    {
        var segments = await store.ListAsync(cancellationToken);
        return HttpAnswer.Json(StatusCodes.Status200OK, w =>
        {
            w.WriteStartArray("segments");
            foreach (var segment in segments.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                WriteSegment(w, segment);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    public async Task<HttpAnswer> GetAsync(string key, CancellationToken cancellationToken) =>
        await store.GetAsync(key, cancellationToken) is { Value: var segment }
            ? Segment(StatusCodes.Status200OK, segment, await members.CountAsync(key, cancellationToken))
            : NotFound(key);

    public async Task<HttpAnswer> DeleteAsync(string key, CancellationToken cancellationToken) =>
        await definitions.DeleteAsync(key, cancellationToken) ? HttpAnswer.Empty(StatusCodes.Status204NoContent) : NotFound(key);

    /// <summary>Body <c>{"definition": ...}</c>: the count of live profiles it holds now and a bounded sample of their ids.</summary>
    public async Task<HttpAnswer> PreviewAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var read = await RequestBodies.ReadAsync(request, Body, cancellationToken);
        if (read.Refused)
        {
            return HttpAnswer.Error(read.Status, read.Error!);
        }

        var (compiled, problems) = SegmentRequest.ParsePreview(read.Body, catalog.Compiler);
        if (compiled is null)
        {
            return Problems(problems);
        }

        var result = await preview.RunAsync(compiled, cancellationToken);
        return HttpAnswer.Json(StatusCodes.Status200OK, w =>
        {
            w.WriteNumber("count", result.Count);
            WriteStrings(w, "sample", result.Sample);
        });
    }

    /// <summary>A page of members by profile id; <c>continuation</c> is the token the previous page returned.</summary>
    public async Task<HttpAnswer> MembersAsync(string key, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (PageQuery.Read(request, DefaultPageSize, MaxPageSize, out var query) is { } invalid)
        {
            return invalid;
        }

        if (await store.GetAsync(key, cancellationToken) is null)
        {
            return NotFound(key);
        }

        SegmentMembersPage page;
        try
        {
            page = await members.PageAsync(key, query.Size, query.Continuation, cancellationToken);
        }
        catch (ArgumentException) when (query.Continuation is not null)
        {
            return HttpAnswer.Error(StatusCodes.Status400BadRequest, "continuation is not a token this listing returned");
        }

        return HttpAnswer.Json(StatusCodes.Status200OK, w =>
        {
            w.WriteString("segmentKey", key);
            w.WriteStartArray("members");
            foreach (var member in page.Members)
            {
                w.WriteStartObject();
                w.WriteString("profileId", member.ProfileId);
                w.WriteString("since", member.Since);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (page.Continuation is not null)
            {
                w.WriteString("continuation", page.Continuation);
            }
        });
    }

    /// <summary>The standings of the live profile (following merges): segments it is in, and ones it left.</summary>
    public async Task<HttpAnswer> ProfileSegmentsAsync(string id, CancellationToken cancellationToken)
    {
        var found = await lookup.GetAsync(id, cancellationToken);
        if (found.Profile is not { } profile)
        {
            return HttpAnswer.Error(found.Status == LookupStatus.Invalid ? StatusCodes.Status400BadRequest : StatusCodes.Status404NotFound,
                found.Error ?? "no profile with that id");
        }

        return HttpAnswer.Json(StatusCodes.Status200OK, w =>
        {
            w.WriteString("profileId", profile.Id);
            w.WriteStartArray("segments");
            foreach (var (key, standing) in profile.Segments.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("key", key);
                w.WriteBoolean("member", standing.Member);
                w.WriteString("since", standing.Since);
                WriteStrings(w, "sentTo", standing.SentTo);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    /// <summary>Starts a refresh now; 202 with the workflow instance to follow.</summary>
    public async Task<HttpAnswer> RefreshAsync(CancellationToken cancellationToken)
    {
        var instance = await refresh.StartNowAsync(cancellationToken);
        return HttpAnswer.Json(StatusCodes.Status202Accepted, w => w.WriteString("instanceId", instance.InstanceId));
    }

    private static HttpAnswer Segment(int status, SegmentDocument segment, long? memberCount) => HttpAnswer.Json(status, w =>
    {
        WriteSegment(w, segment);
        if (memberCount is { } count)
        {
            w.WriteNumber("memberCount", count);
        }
    });

    private static void WriteSegment(Utf8JsonWriter w, SegmentDocument segment)
    {
        w.WriteString("key", segment.Key);
        w.WriteString("name", segment.Name);
        w.WritePropertyName("definition");
        segment.Definition.WriteTo(w);
        WriteStrings(w, "destinations", segment.Destinations);
        w.WriteString("createdAt", segment.CreatedAt);
        w.WriteString("updatedAt", segment.UpdatedAt);
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static HttpAnswer Problems(IReadOnlyList<SegmentProblem> problems) => HttpAnswer.Json(StatusCodes.Status400BadRequest, w =>
    {
        w.WriteStartArray("errors");
        foreach (var problem in problems)
        {
            w.WriteStartObject();
            w.WriteString("path", problem.Path);
            w.WriteString("message", problem.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    private static HttpAnswer NotFound(string key) => HttpAnswer.Error(StatusCodes.Status404NotFound, $"no segment with key {key}");
}
