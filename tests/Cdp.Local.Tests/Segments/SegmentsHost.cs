using System.Net.Http.Headers;
using System.Text;
using Cdp.Core.Consent;
using Cdp.Core.Destinations;
using Cdp.Core.Segments;
using Cdp.Local.Tests.Authorization;
using Cdp.Local.Tests.Infrastructure;
using Cdp.Tests.Segments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cdp.Local.Tests.Segments;

/// <summary>
/// The local host with the test compiler standing in for the segment language, one destination (<c>crm</c>, needing
/// marketing consent) and an activation that records deliveries; API keys of <see cref="TestKeys"/> besides the admin key.
/// </summary>
public sealed class SegmentsHost : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public SegmentsHost()
    {
        Factory = new LocalHostFactory(_data.Path, TestKeys.Settings)
        {
            TestServices = services =>
            {
                services.Replace(ServiceDescriptor.Singleton<IDestinationDirectory>(
                    new TestDestinations(new DestinationSummary("crm", "webhook", [ConsentOptions.Marketing]))));
                services.Replace(ServiceDescriptor.Singleton<IAudienceActivation>(Activation));
            },
        };
        Client = Factory.CreateCdpClient();
    }

    internal LocalHostFactory Factory { get; }

    internal CdpClient Client { get; }

    internal RecordingActivation Activation { get; } = new();

    internal Task<ApiResponse> PutAsync(string path, string json, string? bearer = null) => SendAsync(HttpMethod.Put, path, json, bearer);

    internal Task<ApiResponse> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null, null);

    internal Task<ApiResponse> PostApiAsync(string path, string json, string? bearer = null) => SendAsync(HttpMethod.Post, path, json, bearer);

    internal async Task<ApiResponse> GetAsync(string path, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await Client.SendAsync(request);
    }

    public void Dispose()
    {
        Factory.Dispose();
        _data.Dispose();
    }

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? json, string? bearer)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await Client.SendAsync(request);
    }
}
