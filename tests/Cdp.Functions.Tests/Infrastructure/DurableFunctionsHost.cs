using Cdp.Core.Workflows;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cdp.Functions.Tests.Infrastructure;

/// <summary>
/// The Durable Task in-process test host (a real orchestration engine behind a gRPC sidecar on loopback) running every
/// orchestrator and activity function of the app, with the app's dependencies from a <see cref="FunctionsHarness"/>.
/// Retries wait real time there, so tests keep failures few.
/// </summary>
internal sealed class DurableFunctionsHost : IAsyncDisposable
{
    /// <summary>Warnings and errors of the engine and sidecar on the console (set CDP_TEST_DURABLE_LOG=Information for more).</summary>
    private static readonly ILoggerFactory HostLogging = LoggerFactory.Create(b => b.AddConsole().SetMinimumLevel(
        Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("CDP_TEST_DURABLE_LOG"), out var level) ? level : LogLevel.Warning));

    private readonly DurableTaskTestHost _host;

    private DurableFunctionsHost(DurableTaskTestHost host) => _host = host;

    public DurableTaskClient Client => _host.Client;

    public static async Task<DurableFunctionsHost> StartAsync(FunctionsHarness harness, Action<DurableTaskRegistry>? more = null)
    {
        ArgumentNullException.ThrowIfNull(harness);
        var services = harness.Services;
        var registry = services.GetRequiredService<WorkflowRegistry>();
        void Register(DurableTaskRegistry tasks)
        {
            foreach (var orchestrator in FunctionCatalog.Orchestrators)
            {
                // The orchestrator reads its input itself (GetInput<T>); the host needs the type to deserialize it.
                var inputType = registry.TryGetWorkflow(orchestrator.Name)?.InputType ?? typeof(object);
                tasks.AddOrchestrator(orchestrator.Name, () => new FunctionOrchestrator(orchestrator, services, inputType));
            }

            foreach (var activity in FunctionCatalog.Activities)
            {
                tasks.AddActivity(activity.Name, _ => new FunctionActivity(activity, services));
            }

            more?.Invoke(tasks);
        }

        // The test host picks a random port in 30000-40000 without checking it, which overlaps Linux's ephemeral range:
        // under load another socket can hold it ("address already in use"). Ask the OS for a free port instead, and try
        // again with a new one if it was taken in between.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var host = await DurableTaskTestHost.StartAsync(Register, new DurableTaskTestHostOptions { LoggerFactory = HostLogging, Port = FreePort() });
                return new DurableFunctionsHost(host);
            }
            catch (IOException) when (attempt < 3)
            {
                // Kestrel's AddressInUseException: another socket took the port first; the next attempt asks again.
            }
        }
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Waits (bounded) for the instance to finish and returns its metadata with inputs and outputs.</summary>
    public async Task<OrchestrationMetadata> WaitAsync(string instanceId, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, deadline.Token);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
