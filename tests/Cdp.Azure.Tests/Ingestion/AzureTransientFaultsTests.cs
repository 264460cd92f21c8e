using System.Net;
using Azure;
using Azure.Messaging.EventHubs;
using Cdp.Azure.Ingestion;
using Microsoft.Azure.Cosmos;

namespace Cdp.Azure.Tests.Ingestion;

/// <summary>Which Azure SDK failures Core waits out (never dead-letters) and which count against a message.</summary>
public sealed class AzureTransientFaultsTests
{
    private readonly AzureTransientFaults _faults = new();

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.Gone, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData((HttpStatusCode)449, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.Conflict, false)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, false)]
    public void IsTransient_CosmosStatus_OnlyTimeoutsThrottlingAndUnavailability(HttpStatusCode status, bool transient) =>
        Assert.Equal(transient, _faults.IsTransient(new CosmosException("cosmos", status, 0, "activity", 1)));

    [Theory]
    [InlineData(0, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    public void IsTransient_RequestFailedStatus_OnlyTimeoutsThrottlingAndServerErrors(int status, bool transient) =>
        Assert.Equal(transient, _faults.IsTransient(new RequestFailedException(status, "storage")));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void IsTransient_EventHubsException_FollowsTheSdksVerdict(bool transient) =>
        Assert.Equal(transient, _faults.IsTransient(new EventHubsException(transient, EventHub.Name, "hub", EventHubsException.FailureReason.GeneralError)));

    [Fact]
    public void IsTransient_CoreFailures_AsCoreDecides()
    {
        Assert.True(_faults.IsTransient(new TimeoutException()));
        Assert.True(_faults.IsTransient(new HttpRequestException()));
        Assert.False(_faults.IsTransient(new InvalidOperationException()));
    }
}
