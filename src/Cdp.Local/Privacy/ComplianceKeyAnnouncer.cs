using Cdp.Core.Privacy;

namespace Cdp.Local.Privacy;

/// <summary>At start-up, tells the operator how to get a compliance key when none is configured (the privacy API answers 401 until then).</summary>
public sealed partial class ComplianceKeyAnnouncer(ApiKeyCallers callers, ILogger<ComplianceKeyAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!callers.AnyWithRole(PrivacyAccess.ManageRole))
        {
            LogNoKey(logger, PrivacyAccess.ManageRole);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API key has the {Role} role, so /api/privacy/* answers 401. For local use start with "
        + "--Cdp:Local:ComplianceKey=<16+ characters>; to share, configure Cdp:Local:ApiKeys:0:Name, :KeySha256 (printf %s KEY | sha256sum) and :Roles:0=Privacy.Manage")]
    private static partial void LogNoKey(ILogger logger, string role);
}
