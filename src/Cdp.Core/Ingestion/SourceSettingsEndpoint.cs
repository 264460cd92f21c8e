using System.Text.Json;
using Cdp.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Ingestion;

/// <summary>
/// <c>GET /v1/projects/{writeKey}/settings</c> on both hosts: the source settings the Segment snippet and
/// <c>@segment/analytics-next</c> load from their CDN (<c>{cdnURL}/v1/projects/{writeKey}/settings</c>), so a page that
/// loads them with <c>cdnURL</c> set to this host sends its events here with no other change. Only the Segment.io
/// destination is listed: device-mode destinations, middleware and remote plugins are Segment's, not this platform's.
/// </summary>
public sealed class SourceSettingsEndpoint(ISourceDirectory sources, IOptions<PublicUrlOptions> options)
{
    /// <summary>What the settings route answers: GET, and OPTIONS for a preflight.</summary>
    public const string Methods = "GET, OPTIONS";

    /// <summary>Browsers fetch settings on every page load; a minute of caching spares the host without keeping a revoked key alive for long.</summary>
    private const string CacheControl = "private, max-age=60";

    public async Task<HttpAnswer> GetAsync(string writeKey, HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CrossOrigin.Apply(await AnswerAsync(writeKey, request, cancellationToken), request);
    }

    /// <summary>
    /// <c>OPTIONS</c> on the settings route. Browsers fetch settings with a plain GET and need no preflight; a page that
    /// adds headers of its own gets one, answered as for ingestion.
    /// </summary>
    public static HttpAnswer Preflight(HttpRequest request) => CrossOrigin.Preflight(request, Methods);

    /// <summary>
    /// Where analytics-next sends events: it posts to <c>{protocol}://{apiHost}/{t|p|i|s|g|a}</c> (or <c>/b</c> when
    /// batching), so <c>apiHost</c> is the host and path of this host's <c>/v1</c>, without a scheme, and the scheme goes
    /// in <c>protocol</c>. From <c>Cdp:PublicUrl</c> when set, else from the request's scheme, host and path base.
    /// </summary>
    public (string Protocol, string ApiHost)? ApiHostFor(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (options.Value.GetBaseUri() is { } configured)
        {
            return (configured.Scheme, configured.Authority + configured.AbsolutePath.TrimEnd('/') + "/v1");
        }

        if (!request.Host.HasValue)
        {
            return null;
        }

        return (request.Scheme, request.Host.Value + request.PathBase.Value?.TrimEnd('/') + "/v1");
    }

    private async Task<HttpAnswer> AnswerAsync(string writeKey, HttpRequest request, CancellationToken cancellationToken)
    {
        var source = string.IsNullOrEmpty(writeKey) ? null : await sources.FindByWriteKeyAsync(writeKey, cancellationToken);
        if (source is null)
        {
            return HttpAnswer.Error(StatusCodes.Status404NotFound, "unknown write key");
        }

        var origin = CrossOrigin.OriginOf(request);
        if (!source.AllowsOrigin(origin))
        {
            return HttpAnswer.Error(StatusCodes.Status403Forbidden,
                $"origin {(origin!.Length <= 100 ? origin : origin[..100] + "…")} is not allowed to load this source's settings");
        }

        if (ApiHostFor(request) is not { } api)
        {
            return HttpAnswer.Error(StatusCodes.Status400BadRequest,
                "the request names no host, so the settings cannot say where to send events; send a Host header or set Cdp:PublicUrl");
        }

        return HttpAnswer.Json(StatusCodes.Status200OK, w => WriteSettings(w, writeKey, api.Protocol, api.ApiHost))
            .WithHeader("Cache-Control", CacheControl);
    }

    /// <summary>The fields analytics-next reads (browser/settings.ts CDNSettings, plugins/segmentio), with inert values for the rest.</summary>
    private static void WriteSettings(Utf8JsonWriter w, string writeKey, string protocol, string apiHost)
    {
        w.WriteStartObject("integrations");
        w.WriteStartObject("Segment.io");
        w.WriteString("apiKey", writeKey);
        w.WriteString("apiHost", apiHost);
        w.WriteString("protocol", protocol);
        w.WriteStartArray("unbundledIntegrations");
        w.WriteEndArray();
        // _metadata on each event only feeds Segment's routing to destinations; leaving it out keeps events smaller.
        w.WriteBoolean("addBundledMetadata", false);
        w.WriteStartObject("maybeBundledConfigIds");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject("plan");
        foreach (var call in (ReadOnlySpan<string>)["track", "identify", "group"])
        {
            w.WriteStartObject(call);
            w.WriteStartObject("__default");
            w.WriteBoolean("enabled", true);
            w.WriteStartObject("integrations");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndObject();

        w.WriteStartObject("edgeFunction");
        w.WriteEndObject();
        w.WriteBoolean("analyticsNextEnabled", true);
        w.WriteStartObject("middlewareSettings");
        w.WriteEndObject();
        w.WriteStartObject("enabledMiddleware");
        w.WriteEndObject();
        // Without a sample rate of 0 the tag sends its own usage metrics to Segment's API host every 30 seconds.
        w.WriteStartObject("metrics");
        w.WriteNumber("sampleRate", 0);
        w.WriteEndObject();
        w.WriteBoolean("legacyVideoPluginsEnabled", false);
        w.WriteStartArray("remotePlugins");
        w.WriteEndArray();
        w.WriteStartObject("autoInstrumentationSettings");
        w.WriteNumber("sampleRate", 0);
        w.WriteEndObject();
    }
}
