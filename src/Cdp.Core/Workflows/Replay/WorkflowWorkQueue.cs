using System.Threading.Channels;

namespace Cdp.Core.Workflows.Replay;

/// <summary>In-process hand-over of instance ids from the client (and start-up recovery) to whatever runs them.</summary>
public sealed class WorkflowWorkQueue
{
    private readonly Channel<string> _ids = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(string instanceId) => _ids.Writer.TryWrite(instanceId);

    public IAsyncEnumerable<string> ReadAllAsync(CancellationToken cancellationToken) => _ids.Reader.ReadAllAsync(cancellationToken);
}
