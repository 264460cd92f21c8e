using System.Security.Cryptography;
using System.Text;

namespace Cdp.Core.Identity;

/// <summary>Profiles found to be one person, to be merged by the merge workflow.</summary>
public sealed record MergeRequest(IReadOnlyList<string> ProfileIds, string Reason)
{
    /// <summary>
    /// Deterministic: the same set of profiles always gives the same instance id, so asking twice (a redelivered
    /// batch, two processors seeing the same link) starts one merge.
    /// </summary>
    public string InstanceId
    {
        get
        {
            var joined = string.Join('\n', ProfileIds.Order(StringComparer.Ordinal));
            return "merge-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)).AsSpan(0, 16));
        }
    }
}

/// <summary>Port: starts merge workflows. Hosts adapt it to their workflow engine (Durable Functions, the local runner).</summary>
public interface IMergeScheduler
{
    /// <summary>Starts the merge unless an instance with the request's id exists already.</summary>
    Task ScheduleAsync(MergeRequest request, CancellationToken cancellationToken);
}
