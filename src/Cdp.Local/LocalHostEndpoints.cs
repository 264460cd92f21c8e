using Cdp.Local.Authorization;
using Cdp.Local.Destinations;
using Cdp.Local.Ingestion;
using Cdp.Local.Privacy;
using Cdp.Local.Profiles;
using Cdp.Local.Segments;

namespace Cdp.Local;

public static class LocalHostEndpoints
{
    /// <summary>
    /// Every route of the embedded host. One method so the normal run and the <c>demo</c> command serve the same host;
    /// management capabilities go into the <c>/api</c> group only, where everything needs a role (Core's ApiAccess).
    /// </summary>
    public static IEndpointRouteBuilder MapCdpLocal(this IEndpointRouteBuilder app)
    {
        app.MapIngestionApi();
        app.MapHealthApi();
        var api = app.MapAuthorizedApi();
        api.MapProfilesApi();
        api.MapConsentApi();
        api.MapPrivacyApi();
        api.MapSegmentsApi();
        api.MapDestinationsApi();
        return app;
    }
}
