using Cdp.Core.Ingestion;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cdp.Core.Tests.Ingestion;

/// <summary>The hub retry settings: defaults, back-off shape, start-up validation, and which failures are transient.</summary>
public sealed class HubRetryOptionsTests
{
    [Fact]
    public void DelayAfter_Defaults_DoublesFromOneSecondAndStopsAtThirtySeconds()
    {
        var options = new HubRetryOptions();

        Assert.Equal(5, options.MaxAttempts);
        Assert.Equal(
            [1, 2, 4, 8, 16, 30, 30],
            Enumerable.Range(1, 7).Select(n => options.DelayAfter(n).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(30), options.DelayAfter(int.MaxValue));
    }

    [Theory]
    [InlineData("Cdp:Processing:HubRetry:MaxAttempts", "0", "Cdp:Processing:HubRetry:MaxAttempts must be between 1 and 20")]
    [InlineData("Cdp:Processing:HubRetry:FirstDelay", "00:05:00", "Cdp:Processing:HubRetry:FirstDelay must be between")]
    [InlineData("Cdp:Processing:HubRetry:MaxDelay", "00:00:00.5", "Cdp:Processing:HubRetry:MaxDelay must be between")]
    public void AddHubBatchRetry_BadSetting_FailsAtStartNamingTheSetting(string key, string value, string message)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddHubBatchRetry_CapBelowFirstDelay_FailsAtStartNamingBoth()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["Cdp:Processing:HubRetry:FirstDelay"] = "00:00:20",
            ["Cdp:Processing:HubRetry:MaxDelay"] = "00:00:10",
        }));

        Assert.Contains("Cdp:Processing:HubRetry:MaxDelay must not be shorter than Cdp:Processing:HubRetry:FirstDelay", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddHubBatchRetry_Settings_AreBoundFromTheHostConfiguration()
    {
        var options = Resolve(new() { ["Cdp:Processing:HubRetry:MaxAttempts"] = "3", ["Cdp:Processing:HubRetry:MaxDelay"] = "00:01:00" });

        Assert.Equal((3, TimeSpan.FromMinutes(1)), (options.MaxAttempts, options.MaxDelay));
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public void CommonTransientFaults_Failure_IsTransientOnlyForTimeoutsNetworkAndIo(Exception failure, bool transient) =>
        Assert.Equal(transient, new CommonTransientFaults().IsTransient(failure));

    public static TheoryData<Exception, bool> Failures() => new()
    {
        { new TimeoutException(), true },
        { new HttpRequestException(), true },
        { new IOException(), true },
        { new TaskCanceledException(), true },
        { new InvalidOperationException(), false },
        { new ArgumentException(), false },
        { new FormatException(), false },
    };

    private static HubRetryOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddHubBatchRetry()
            .BuildServiceProvider();
        services.GetRequiredService<IStartupValidator>().Validate();
        return services.GetRequiredService<IOptions<HubRetryOptions>>().Value;
    }
}
