using Cdp.Core.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Cdp.Local.Authorization;

/// <summary>
/// Makes the first-start admin key before the server takes requests and, once it listens, shows it on the console, once,
/// beside the default write key (registered right after the write key's announcer, so it prints below it). The key goes
/// to the console only, never to the logs. Warns when no key holds some role, since those routes can only answer 401/403.
/// </summary>
public sealed partial class ApiKeyAnnouncer(
    GeneratedAdminKey generated, LocalApiKeys keys, IOptions<ApiKeyOptions> options, IServer server, ILogger<ApiKeyAnnouncer> logger)
    : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _ = generated.State;
        return Task.CompletedTask;
    }

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var url = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? LocalHostDefaults.Url;
        if (Describe(generated.State, options.Value, url) is { Length: > 0 } text)
        {
            await Console.Out.WriteLineAsync(text);
        }

        var missing = ApiRoles.All.Where(r => !keys.RolesHeld.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            LogRolesNobodyHolds(logger, string.Join(", ", missing));
        }
    }

    public static string Describe(GeneratedAdminKeyState state, ApiKeyOptions options, string url)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        var lines = new List<string>();
        if (!string.IsNullOrEmpty(options.AdminKey))
        {
            lines.Add("Admin key: the one set in Cdp:Local:AdminKey (every role).");
        }

        if (state.NewKey is { } key)
        {
            lines.Add($"Admin key: {key}  (every role; use: curl -H \"Authorization: Bearer {key}\" "
                + $"\"{url.TrimEnd('/')}/api/profiles?identifierType=userId&value=user-1\")");
            lines.Add($"It is shown only this once (only its hash is stored, in {state.FilePath}; delete that file to revoke it); "
                + "set Cdp:Local:AdminKey or Cdp:Local:ApiKeys to choose your own.");
        }
        else if (state.Hash is not null)
        {
            lines.Add($"An admin key exists; it was printed when it was made (only its hash is stored, in {state.FilePath}; "
                + "delete that file to revoke it). Set Cdp:Local:AdminKey or Cdp:Local:ApiKeys to choose your own.");
        }

        return string.Join(Environment.NewLine, lines);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API key holds {Roles}, so the /api routes that need them answer 401 or 403. For a try-out start "
        + "with --Cdp:Local:AdminKey=<16+ characters>; to share, configure Cdp:Local:ApiKeys:0:Name, :KeySha256 (printf %s KEY | sha256sum) and :Roles:0")]
    private static partial void LogRolesNobodyHolds(ILogger logger, string roles);
}
