using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Cdp.Core.Http;

/// <summary>
/// CORS for the routes that web pages on other sites call (ingestion and source settings), bound by both hosts.
/// It only makes answers readable by the calling page: which origins may use a source is decided per source once
/// the write key is known (<see cref="Ingestion.Source.AllowsOrigin"/>), and a refused origin gets a 403.
/// </summary>
public static class CrossOrigin
{
    /// <summary>Two hours: the most Chromium honours, so a page preflights each route once per two hours.</summary>
    public const int MaxAgeSeconds = 7200;

    /// <summary>
    /// Request headers a page may send: what the SDKs send (analytics-next: <c>Authorization</c> with the write key,
    /// <c>Content-Type</c>, <c>X-Retry-Count</c> on retries), and <c>Content-Encoding</c> for a compressed body.
    /// </summary>
    public static readonly IReadOnlyList<string> AllowedHeaders = ["Authorization", "Content-Type", "Content-Encoding", "X-Retry-Count"];

    /// <summary>
    /// The answer headers a page's script may read besides the safelisted ones: the SDKs honour <c>Retry-After</c>
    /// on a 429, which they can only do if the browser lets them see it.
    /// </summary>
    public const string ExposedHeaders = "Retry-After";

    private const string VaryPreflight = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

    /// <summary>
    /// <c>OPTIONS</c> on a route that accepts <paramref name="methods"/>: 204 allowing the asking origin. A preflight
    /// carries no write key (browsers never send credentials on it), so it cannot know the source or its origins;
    /// it is answered permissively and the real request, which carries the key, is refused with 403 when the source
    /// does not allow its origin. Nothing is read or stored on a preflight, so this opens nothing.
    /// </summary>
    public static HttpAnswer Preflight(HttpRequest request, string methods)
    {
        ArgumentNullException.ThrowIfNull(request);
        var answer = HttpAnswer.Empty(StatusCodes.Status204NoContent)
            .WithHeader("Allow", methods)
            .WithHeader("Vary", VaryPreflight);
        if (OriginOf(request) is not { } origin)
        {
            return answer;
        }

        answer = answer
            .WithHeader("Access-Control-Allow-Origin", origin)
            .WithHeader("Access-Control-Allow-Methods", methods)
            .WithHeader("Access-Control-Max-Age", MaxAgeSeconds.ToString(CultureInfo.InvariantCulture));
        return AllowedRequestHeaders(request) is { Length: > 0 } headers
            ? answer.WithHeader("Access-Control-Allow-Headers", headers)
            : answer;
    }

    /// <summary>
    /// The same answer, readable by the page that asked: its origin echoed (never <c>*</c>, so one cached answer is
    /// never reused for another origin: <c>Vary: Origin</c>) and <c>Retry-After</c> exposed. Refusals are readable too,
    /// so a tag on a refused page sees its 403 or 401 and stops, where an unreadable answer would look like a network
    /// failure and be retried for hours.
    /// </summary>
    public static HttpAnswer Apply(HttpAnswer answer, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(request);
        var withVary = answer.WithHeader("Vary", "Origin");
        return OriginOf(request) is { } origin
            ? withVary.WithHeader("Access-Control-Allow-Origin", origin).WithHeader("Access-Control-Expose-Headers", ExposedHeaders)
            : withVary;
    }

    /// <summary>The request's <c>Origin</c> header, or null when it has none (not a cross-origin browser call).</summary>
    public static string? OriginOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var origin = request.Headers.Origin.ToString().Trim();
        return origin.Length == 0 ? null : origin;
    }

    /// <summary>
    /// The headers the browser asked for that are in <see cref="AllowedHeaders"/>, in their spelling, or the whole list
    /// when it asked for none. A header outside the list is left out, so the browser refuses to send it (empty when
    /// every header asked for is outside the list).
    /// </summary>
    private static string AllowedRequestHeaders(HttpRequest request)
    {
        var asked = request.Headers.AccessControlRequestHeaders.ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (asked.Length == 0)
        {
            return string.Join(", ", AllowedHeaders);
        }

        return string.Join(", ", asked.Where(h => AllowedHeaders.Contains(h, StringComparer.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase));
    }
}
