using Cdp.Local;
using Cdp.Local.Authorization;
using Cdp.Local.Destinations;
using Cdp.Local.Import;
using Cdp.Local.Ingestion;
using Cdp.Local.Privacy;
using Cdp.Local.Profiles;
using Cdp.Local.Segments;

if (args is ["import", .. var importArgs])
{
    return await ImportCommand.RunAsync(importArgs, Console.Out, Console.Error);
}

LocalHostDefaults.PreferPollingFileWatcher();
var builder = WebApplication.CreateBuilder(args);
if (LocalHostDefaults.HasNoListenAddress(builder.Configuration))
{
    builder.WebHost.UseUrls(LocalHostDefaults.Url);
}

builder.Services.AddCdpLocal(builder.Configuration);

var app = builder.Build();
app.MapIngestionApi();
app.MapHealthApi();

// Everything under /api needs a role (Core's ApiAccess): map management capabilities into this group only.
var api = app.MapAuthorizedApi();
api.MapProfilesApi();
api.MapConsentApi();
api.MapPrivacyApi();
api.MapSegmentsApi();
api.MapDestinationsApi();
await app.RunAsync();
return 0;

/// <summary>The entry point, public so functional tests can host it with WebApplicationFactory.</summary>
public partial class Program;
