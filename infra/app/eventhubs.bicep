// The Event Hubs namespace and the `events` hub accepted events travel through (src/Cdp.Functions/Ingestion/EventHub.cs).
// SAS (local) auth is off; the app's identity sends and receives with Entra ID. The processing trigger reads with the
// built-in $Default consumer group, so no other group is created.

@description('Name of the Event Hubs namespace.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags object

@description('Principal id of the app\'s managed identity.')
param principalId string

@description('Name of the hub (the Functions app\'s EventHub.Name).')
param hubName string

@description('Partitions of the hub: the ceiling on parallel processing instances. Fixed once created on the Standard tier.')
@minValue(1)
@maxValue(32)
param partitionCount int

@description('Hours an event stays in the hub: how long processing may be down before accepted events are lost (the raw archive keeps them too).')
@minValue(1)
@maxValue(168)
param retentionHours int

@description('Throughput units the namespace may grow to under load (auto-inflate).')
@minValue(1)
@maxValue(40)
param maximumThroughputUnits int

// Built-in roles: Azure Event Hubs Data Receiver, Azure Event Hubs Data Sender.
var roleIds = [
  'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
  '2b629674-e913-4c01-ae53-ef4638d8f975'
]

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: 1
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    isAutoInflateEnabled: true
    maximumThroughputUnits: maximumThroughputUnits
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: hubName
  properties: {
    partitionCount: partitionCount
    retentionDescription: {
      cleanupPolicy: 'Delete'
      retentionTimeInHours: retentionHours
    }
  }
}

resource roles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in roleIds: {
    name: guid(hub.id, principalId, roleId)
    scope: hub
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]

output name string = namespace.name
// The host of the namespace's endpoint (https://NAME.servicebus.windows.net:443/ in the public cloud): the
// EventHubConnection__fullyQualifiedNamespace setting. Taken from the endpoint so sovereign clouds get their own suffix.
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]
output hubName string = hub.name
