using Cdp.Local;
using Cdp.Local.Demo;
using Cdp.Local.Import;

if (args is ["import", .. var importArgs])
{
    return await ImportCommand.RunAsync(importArgs, Console.Out, Console.Error);
}

if (args is ["demo", .. var demoArgs])
{
    return await DemoCommand.RunAsync(demoArgs, Console.Out, Console.Error, CancellationToken.None);
}

LocalHostDefaults.PreferPollingFileWatcher();
var builder = WebApplication.CreateBuilder(args);
if (LocalHostDefaults.HasNoListenAddress(builder.Configuration))
{
    builder.WebHost.UseUrls(LocalHostDefaults.Url);
}

builder.Services.AddCdpLocal(builder.Configuration);

var app = builder.Build();
app.MapCdpLocal();
await app.RunAsync();
return 0;

/// <summary>The entry point, public so functional tests can host it with WebApplicationFactory.</summary>
public partial class Program;
