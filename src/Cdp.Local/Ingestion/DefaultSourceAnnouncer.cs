using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Cdp.Local.Ingestion;

/// <summary>
/// Creates the default source before the server takes requests, and once it listens tells the person at the
/// console how to send a first event. The key goes to the console only, never to the logs.
/// </summary>
public sealed class DefaultSourceAnnouncer(DefaultSource defaultSource, IServer server) : IHostedLifecycleService
{
    private DefaultSourceState? _state;

    public async Task StartingAsync(CancellationToken cancellationToken) =>
        _state = await defaultSource.EnsureAsync(cancellationToken);

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        if (_state is null)
        {
            return;
        }

        var url = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? LocalHostDefaults.Url;
        await Console.Out.WriteLineAsync(Describe(_state, url));
    }

    public static string Describe(DefaultSourceState state, string url)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Configured)
        {
            return $"Default source {state.Source.Id} accepts the write key set in Cdp:Local:DefaultWriteKey.";
        }

        if (state.WriteKey is not { } key)
        {
            return $"A default source exists ({state.Source.Id}); its write key was printed when it was created. "
                + "Set Cdp:Local:DefaultWriteKey to give it a key of your choice.";
        }

        return $"Default write key: {key}  (use: curl -u {key}: {url.TrimEnd('/')}/v1/identify "
            + "-H 'Content-Type: application/json' -d '{\"userId\":\"user-1\",\"traits\":{\"email\":\"jane@example.com\"}}')"
            + Environment.NewLine
            + "It is shown only this once (only its hash is stored); set Cdp:Local:DefaultWriteKey to choose your own.";
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
