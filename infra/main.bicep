// Entry point for `azd up`: subscription scope, one resource group, one naming token, and the product's resources as
// local modules under app/ (registry modules cannot be fetched by this project's builds):
// Function App on Flex Consumption with App Service authentication, Storage without shared keys, Cosmos DB serverless
// with its database and containers, Event Hubs, Application Insights, Key Vault for the two secrets, and one
// user-assigned managed identity holding each data-plane role the app needs. No key or connection string anywhere.
//
// Before the first `azd up`, set the secrets and the app registration in the azd environment (see infra/README.md):
//   azd env set CDP_IDENTITY_PEPPER "$(openssl rand -base64 32)"
//   azd env set CDP_PRIVACY_CALLBACK_SECRET "$(openssl rand -base64 32)"
//   azd env set CDP_AUTH_CLIENT_ID <application (client) id of the Entra app registration>
//   azd env set CDP_SOURCE_WRITE_KEY_SHA256 "$(printf %s "$WRITE_KEY" | sha256sum | cut -d' ' -f1)"
// Audience destinations are the `destinations` parameter; each webhook's secret is a Key Vault secret the operator
// creates (infra/README.md, "Audience destinations"), never a parameter.
targetScope = 'subscription'

import { destination } from 'app/functionapp.bicep'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; part of every resource name and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

// Bicep cannot create Entra app registrations without the Microsoft Graph extension, which this project's builds
// cannot fetch: register the app once by hand (infra/README.md) and pass its client id.
@minLength(1)
@description('Application (client) id of the Microsoft Entra app registration App Service authentication validates tokens for; it defines the app roles (Profiles.Read, Profiles.Write, Segments.Manage, Privacy.Manage).')
param authClientId string

@description('Tenant of the app registration; the deployment\'s tenant unless given.')
param authTenantId string = tenant().tenantId

// The pepper keys every identity hash: it must NEVER change once data exists, or every stored identity stops matching.
// It is therefore a parameter from the azd environment (main.parameters.json: CDP_IDENTITY_PEPPER), set once with
//   azd env set CDP_IDENTITY_PEPPER "$(openssl rand -base64 32)"
// and kept with the environment, never generated here (a newGuid() default would replace it on every `azd up`).
@secure()
@minLength(16)
@description('Secret mixed into every identifier hash. Set once; never change it after data exists.')
param identityPepper string

// Set once likewise: azd env set CDP_PRIVACY_CALLBACK_SECRET "$(openssl rand -base64 32)"; receivers share it.
@secure()
@minLength(16)
@description('HMAC-SHA256 key privacy status callbacks are signed with, shared with the callback receivers.')
param privacyCallbackSecret string

@minLength(1)
@description('Id of the first ingestion source (Cdp:Sources:0:Id).')
param sourceId string = 'web'

@description('Display name of the first ingestion source.')
param sourceName string = 'Website'

@minLength(64)
@maxLength(64)
@description('SHA-256 (64 hex characters) of the first source\'s write key: printf %s "$KEY" | sha256sum. Never the key itself.')
param sourceWriteKeySha256 string

@minLength(1)
@description('The OpenDSR controller id this deployment answers as (Cdp:Privacy:ControllerId).')
param privacyControllerId string = 'cdp'

@description('Domain privacy callback receivers know this deployment by; empty for the Function App\'s host name.')
param privacyProcessorDomain string = ''

@minLength(2)
@maxLength(2)
@description('Region assumed for phone numbers written without a country code (ISO 3166 alpha-2, upper case).')
param defaultPhoneRegion string = 'US'

@minValue(0)
@description('Days a timeline event is kept before Cosmos DB expires it; 0 keeps events until erasure.')
param timelineRetentionDays int = 0

@minValue(1)
@maxValue(32)
@description('Partitions of the events hub: the most processing instances that read at once. Fixed after creation.')
param eventHubPartitionCount int = 8

@minValue(1)
@maxValue(168)
@description('Hours the events hub keeps an event: how long processing may stop before accepted events are lost.')
param eventHubRetentionHours int = 72

@minValue(40)
@maxValue(1000)
@description('Most instances the Flex Consumption plan scales out to.')
param maximumInstanceCount int = 100

@allowed([512, 2048, 4096])
@description('Memory (MB) of one Function App instance.')
param instanceMemoryMB int = 2048

// Audience destinations (Cdp:Destinations). A webhook's signing secret is never a parameter: the operator stores it in
// the Key Vault as destination-{key}-secret ('_' written '-') before deploying, and the app setting refers to it there.
@description('Audience destinations: key, type (webhook|file), url, purposes, mapping, format, maxAttempts, batchSize. Each webhook needs the Key Vault secret destination-{key}-secret first (infra/README.md).')
param destinations destination[] = []

var tags = { 'azd-env-name': environmentName }

// Stable per subscription, environment and region, so re-running `azd up` updates rather than duplicates.
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))

var functionAppName = 'func-${resourceToken}'

// The Cosmos DB database and containers (defaults of src/Cdp.Azure/CdpAzureOptions.cs), created here and named to
// the app through its settings, so the two cannot disagree.
var databaseName = 'cdp'
var cosmosContainers = {
  profiles: 'profiles'
  identities: 'identities'
  events: 'events'
  dedup: 'dedup'
  segments: 'segments'
  segmentMembers: 'segmentMembers'
  privacy: 'privacy'
  exports: 'exports'
  deliveries: 'deliveries'
}

var blobContainers = {
  rawEvents: 'raw-events'
  exports: 'exports'
  accessPackages: 'access-packages'
  certificates: 'certificates'
  deadLetters: 'dead-letters'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    appInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    deploymentContainerName: 'app-package'
    productContainerNames: [
      blobContainers.rawEvents
      blobContainers.exports
      blobContainers.accessPackages
      blobContainers.certificates
      blobContainers.deadLetters
    ]
  }
}

module cosmos 'app/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: 'cosmos-${resourceToken}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    databaseName: databaseName
    containerNames: cosmosContainers
    timelineRetentionDays: timelineRetentionDays
  }
}

module eventHubs 'app/eventhubs.bicep' = {
  name: 'eventhubs'
  scope: rg
  params: {
    name: 'evhns-${resourceToken}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    // The Functions app's EventHub.Name (src/Cdp.Functions/Ingestion/EventHub.cs).
    hubName: 'events'
    partitionCount: eventHubPartitionCount
    retentionHours: eventHubRetentionHours
    maximumThroughputUnits: 4
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    identityPepper: identityPepper
    privacyCallbackSecret: privacyCallbackSecret
  }
}

module functionApp 'app/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identity: {
      id: identity.outputs.id
      clientId: identity.outputs.clientId
    }
    storage: {
      blobEndpoint: storage.outputs.blobEndpoint
      queueEndpoint: storage.outputs.queueEndpoint
      tableEndpoint: storage.outputs.tableEndpoint
      deploymentContainerName: storage.outputs.deploymentContainerName
    }
    blobContainers: blobContainers
    cosmos: {
      endpoint: cosmos.outputs.endpoint
      databaseName: cosmos.outputs.databaseName
      containers: cosmosContainers
    }
    eventHubsNamespace: eventHubs.outputs.fullyQualifiedNamespace
    appInsightsConnectionString: monitoring.outputs.connectionString
    secretUris: {
      identityPepper: keyVault.outputs.identityPepperUri
      privacyCallbackSecret: keyVault.outputs.privacyCallbackSecretUri
    }
    keyVaultUri: keyVault.outputs.vaultUri
    destinations: destinations
    authClientId: authClientId
    authTenantId: authTenantId
    taskHubName: 'cdp'
    segmentRefreshSchedule: '0 */5 * * * *'
    workflowPurgeSchedule: '0 */10 * * * *'
    deliverySchedule: '*/10 * * * * *'
    source: {
      id: sourceId
      name: sourceName
      writeKeySha256: sourceWriteKeySha256
    }
    privacy: {
      controllerId: privacyControllerId
      processorDomain: privacyProcessorDomain
    }
    defaultPhoneRegion: defaultPhoneRegion
    dedupWindow: '2.00:00:00'
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output RESOURCE_TOKEN string = resourceToken
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.uri
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_EVENTHUBS_NAMESPACE string = eventHubs.outputs.fullyQualifiedNamespace
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.appInsightsName
