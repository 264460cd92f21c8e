using System.Text.Json.Serialization;
using Cdp.Core.Http;
using Microsoft.AspNetCore.Http;

namespace Cdp.Core.Profiles;

/// <summary>A page of a profile's timeline, newest first.</summary>
public sealed record TimelinePageResponse(string ProfileId, IReadOnlyList<TimelineEvent> Events, string? Continuation);

/// <summary>A profile's merges and identifier decisions, oldest first (identifiers by type and hash only).</summary>
public sealed record ProfileHistoryResponse(string ProfileId, IReadOnlyList<ProfileHistoryEntry> History);

/// <summary>
/// The profile read routes on both hosts: <c>GET /api/profiles/{id}</c> (following merges), <c>GET /api/profiles?identifierType=&amp;value=</c>,
/// <c>GET /api/profiles/{id}/events?pageSize=&amp;continuation=</c> and <c>GET /api/profiles/{id}/history</c>. The rules are
/// <see cref="ProfileLookup"/>'s; this class reads the query and maps outcomes to HTTP in one place.
/// </summary>
public sealed class ProfileEndpoint(ProfileLookup lookup, ITimelineStore timeline)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    /// <summary>The live profile, also when <paramref name="id"/> was merged away.</summary>
    public async Task<HttpAnswer> GetAsync(string id, CancellationToken cancellationToken) =>
        Answer(await lookup.GetAsync(id, cancellationToken));

    /// <summary>Look-up by identifier: Core normalizes and hashes the value as ingestion does, so it finds what ingestion linked.</summary>
    public async Task<HttpAnswer> FindAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Answer(await lookup.FindAsync(Query(request, "identifierType"), Query(request, "value"), cancellationToken));
    }

    /// <summary>A page of the live profile's timeline; <c>continuation</c> is the token the previous page returned.</summary>
    public async Task<HttpAnswer> EventsAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (PageQuery.Read(request, DefaultPageSize, MaxPageSize, out var query) is { } invalid)
        {
            return invalid;
        }

        var found = await lookup.GetAsync(id, cancellationToken);
        if (found.Profile is not { } profile)
        {
            return HttpAnswer.Error(StatusCodes.Status404NotFound, found.Error ?? "no profile with that id");
        }

        TimelinePage page;
        try
        {
            page = await timeline.GetPageAsync(profile.Id, query.Size, query.Continuation, cancellationToken);
        }
        catch (ArgumentException) when (query.Continuation is not null)
        {
            // The store refuses a token it did not issue: the caller's input, not a fault.
            return HttpAnswer.Error(StatusCodes.Status400BadRequest, "continuation is not a token this timeline returned");
        }

        return HttpAnswer.Json(StatusCodes.Status200OK, new TimelinePageResponse(profile.Id, page.Events, page.ContinuationToken),
            ProfileJsonContext.Default.TimelinePageResponse);
    }

    /// <summary>Merges and identifier changes of the live profile (a merged-away id leads to its survivor's history).</summary>
    public async Task<HttpAnswer> HistoryAsync(string id, CancellationToken cancellationToken)
    {
        var found = await lookup.GetAsync(id, cancellationToken);
        return found.Profile is { } profile
            ? HttpAnswer.Json(StatusCodes.Status200OK, new ProfileHistoryResponse(profile.Id, profile.History), ProfileJsonContext.Default.ProfileHistoryResponse)
            : HttpAnswer.Error(StatusCodes.Status404NotFound, found.Error ?? "no profile with that id");
    }

    /// <summary>The one place a look-up outcome becomes HTTP.</summary>
    private static HttpAnswer Answer(LookupResult result) => result.Status switch
    {
        LookupStatus.Found => HttpAnswer.Json(StatusCodes.Status200OK, result.Profile!, CdpJsonContext.Default.Profile),
        LookupStatus.Invalid => HttpAnswer.Error(StatusCodes.Status400BadRequest, result.Error!),
        _ => HttpAnswer.Error(StatusCodes.Status404NotFound, result.Error!),
    };

    /// <summary>A query value as the local host's parameter binding read it: null when absent, the text (even empty) when present.</summary>
    private static string? Query(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var value) ? value.ToString() : null;
}

/// <summary>Serializers for the profile routes' own answers (the profile document itself uses <see cref="CdpJsonContext"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TimelinePageResponse))]
[JsonSerializable(typeof(ProfileHistoryResponse))]
public sealed partial class ProfileJsonContext : JsonSerializerContext;
