using Cdp.Core.Workflows;

namespace Cdp.Core.Privacy;

/// <summary>Posts a status change to the request's callback URLs (through the host's notifier).</summary>
public sealed class NotifyPrivacyStatusActivity(PrivacyRequestDocuments requests, IPrivacyStatusNotifier notifier, TimeProvider time)
    : IActivity<StatusStep, bool>
{
    public const string ActivityName = "NotifyPrivacyStatus";

    public string Name => ActivityName;

    public async Task<bool> RunAsync(StatusStep input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = await requests.GetAsync(input.RequestId, cancellationToken);
        if (request.StatusCallbackUrls.Count == 0)
        {
            return false;
        }

        await notifier.NotifyAsync(PrivacyStatusChange.Of(request, input.Status, time.GetUtcNow()), cancellationToken);
        return true;
    }
}
