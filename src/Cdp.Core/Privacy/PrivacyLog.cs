using Microsoft.Extensions.Logging;

namespace Cdp.Core.Privacy;

/// <summary>Log lines of the privacy workflows: request ids and statuses, never identities.</summary>
internal static partial class PrivacyLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Privacy request {RequestId}: status callback for {Status} not delivered: {Error}")]
    public static partial void NotifyFailed(ILogger logger, string requestId, string status, string error);
}
