using Microsoft.Extensions.Logging;

namespace Cdp.Core.Authorization;

/// <summary>
/// One access decision on a management route. The route is named by its template (<c>GET /api/profiles/{id}</c>), so
/// neither a profile id from the path nor an email from a look-up's query ends up here; the actor is a key's name or
/// an Entra object id, never the credential.
/// </summary>
/// <param name="Role">The role the route needs; null for a route no role grants.</param>
/// <param name="Outcome">One of <see cref="ApiAccessOutcome"/>, lower case.</param>
/// <param name="Detail">The reason for a refusal, without personal data.</param>
public sealed record AccessAuditEntry(string Id, DateTimeOffset At, string Actor, string Route, string? Role, string Outcome, string? Detail = null);

/// <summary>Port: the append-only trail of every access decision on the management API.</summary>
public interface IAccessAuditLog
{
    /// <summary>Appends the entry; returns once it is kept, so an allowed call is recorded before its answer leaves.</summary>
    Task AppendAsync(AccessAuditEntry entry, CancellationToken cancellationToken);
}

/// <summary>
/// The access trail as structured log lines in the <see cref="Category"/> category. The Functions app uses it: its logs go
/// to Application Insights, which keeps them apart from the app and beyond its lifetime; the local host keeps its trail
/// in SQLite instead.
/// </summary>
public sealed partial class LoggedAccessAuditLog(ILoggerFactory loggers) : IAccessAuditLog
{
    public const string Category = "Cdp.Audit.Access";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public Task AppendAsync(AccessAuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Log(_logger, entry.Outcome, entry.Actor, entry.Route, entry.Role ?? "-", entry.Detail ?? "-", entry.Id);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Access {Outcome}: {Actor} {Route} (role {Role}): {Detail} [{AuditId}]")]
    private static partial void Log(ILogger logger, string outcome, string actor, string route, string role, string detail, string auditId);
}
