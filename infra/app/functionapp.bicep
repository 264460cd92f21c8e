// The Functions app on a Flex Consumption plan (.NET 10 isolated), running as the user-assigned identity; App Service
// authentication (Microsoft Entra ID) in front of it; and an app setting for every setting the app reads. Nothing
// here is a key or a connection string: every service is reached with the identity, and the secrets (pepper, callback
// secret, each webhook destination's) are Key Vault references. tests/Cdp.Functions.Tests/Infra checks these settings against what the code binds.

// One audience destination (src/Cdp.Core/Destinations/DestinationSettings.cs), as the operator lists it in main.bicep's
// `destinations`. Sealed, and with no secret property: a webhook's signing secret can only come from Key Vault
// (destination-{key}-secret, see infra/README.md), so a parameters file can never carry one.
@export()
@sealed()
type destination = {
  @minLength(1)
  @maxLength(64)
  @description('Destination key (Cdp:Destinations:{key}): letters, digits and \'_\' only in Azure, since app setting names allow no \'-\'.')
  key: string

  @description('webhook (signed POSTs to url) or file (files in the exports area).')
  type: 'webhook' | 'file'

  @description('Webhook only: absolute http(s) URL batches are POSTed to.')
  url: string?

  @minLength(1)
  @description('Consent purposes a profile must have granted, all of them, to be sent.')
  purposes: string[]

  @description('Output field -> source (traits.<name>, identifiers.<type>, profileId, computed.<name>); default userId and email only.')
  mapping: { *: string }?

  @description('File only: csv (default) or ndjson.')
  format: ('csv' | 'ndjson')?

  @minValue(1)
  @maxValue(100)
  @description('Tries per delivery before it is dead-lettered (default 8).')
  maxAttempts: int?

  @minValue(1)
  @maxValue(1000)
  @description('Webhook only: events per POST (default 100).')
  batchSize: int?
}

@description('Name of the Function App.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags for the resources; the site also gets azd-service-name.')
param tags object

@description('The azd service this app is deployed as (azure.yaml).')
param serviceName string

@description('The app\'s user-assigned managed identity.')
param identity {
  id: string
  clientId: string
}

@description('Endpoints of the storage account (host, task hub, deployment package, product blobs).')
param storage {
  blobEndpoint: string
  queueEndpoint: string
  tableEndpoint: string
  deploymentContainerName: string
}

@description('Blob container names, one per Cdp:Azure:*BlobContainer setting.')
param blobContainers {
  rawEvents: string
  exports: string
  accessPackages: string
  certificates: string
  deadLetters: string
}

@description('The Cosmos DB endpoint, database and container names.')
param cosmos {
  endpoint: string
  databaseName: string
  containers: {
    profiles: string
    identities: string
    events: string
    dedup: string
    segments: string
    segmentMembers: string
    privacy: string
    exports: string
    deliveries: string
  }
}

@description('Fully qualified Event Hubs namespace, e.g. NAME.servicebus.windows.net.')
param eventHubsNamespace string

@description('Application Insights connection string (an endpoint and resource id, not a credential: local auth is off).')
param appInsightsConnectionString string

@description('Versionless Key Vault secret URIs of the identity pepper and the privacy callback secret.')
param secretUris {
  identityPepper: string
  privacyCallbackSecret: string
}

@description('URI of the Key Vault (https://NAME.vault.azure.net/) holding each webhook destination\'s secret.')
param keyVaultUri string

@description('Audience destinations (Cdp:Destinations); empty for none.')
param destinations destination[]

@description('Client id of the Microsoft Entra app registration App Service authentication validates tokens for.')
param authClientId string

@description('Tenant of that app registration.')
param authTenantId string

@description('Durable Functions task hub name (host.json: %TaskHubName%).')
param taskHubName string

@description('NCRONTAB (6 fields, UTC) of the segment refresh timer.')
param segmentRefreshSchedule string

@description('NCRONTAB (6 fields, UTC) of the timer that purges finished workflow history.')
param workflowPurgeSchedule string

@description('NCRONTAB (6 fields, UTC) of the delivery pump timer: how often queued audience deliveries are sent.')
param deliverySchedule string

@description('The first ingestion source: id, display name and the SHA-256 (hex) of its write key.')
param source {
  id: string
  name: string
  writeKeySha256: string
}

@description('Privacy settings: OpenDSR controller id and the domain receivers know this deployment by ("" for the app\'s host name).')
param privacy {
  controllerId: string
  processorDomain: string
}

@description('Region assumed for phone numbers written without a country code.')
param defaultPhoneRegion string

@description('How long a processed messageId is remembered (d.hh:mm:ss).')
param dedupWindow string

@description('Most instances the plan scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory of one instance.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

// Cdp:Destinations:{key}:... as app settings, one object for all destinations. The keys are the operator's, so they
// cannot be written out below; the optional values are left out when not given (the app's defaults apply) and a
// webhook's Secret is a reference to the Key Vault secret destination-{key}-secret ('_' becomes '-': secret names allow
// only letters, digits and '-'), versionless so a rotated secret is picked up when App Service refreshes references.
var destinationSettings = reduce(destinations, {}, (all, d) => union(
  all,
  toObject(
    filter(items({
      Type: d.type
      Url: d.?url
      Format: d.?format
      MaxAttempts: d.?maxAttempts
      BatchSize: d.?batchSize
    }), s => s.value != null),
    s => 'Cdp__Destinations__${d.key}__${s.key}',
    s => string(s.value)
  ),
  d.type == 'webhook'
    ? {
        'Cdp__Destinations__${d.key}__Secret': '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/destination-${replace(d.key, '_', '-')}-secret)'
      }
    : {},
  toObject(range(0, length(d.purposes)), i => 'Cdp__Destinations__${d.key}__Purposes__${i}', i => d.purposes[i]),
  toObject(items(d.?mapping ?? {}), m => 'Cdp__Destinations__${d.key}__Mapping__${m.key}', m => m.value)
))

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve as this identity (it holds Key Vault Secrets User).
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.blobEndpoint}${storage.deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Every setting the app reads, written out (not built with union()) so the drift test can read the keys from the
// compiled template; only the destinations, whose keys the operator chooses, are spread in at the end. Flex Consumption
// sets the worker runtime itself: FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION must not be app settings there.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // Host storage and the Durable task hub, signed in with the identity.
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identity.clientId
    AzureWebJobsStorage__blobServiceUri: storage.blobEndpoint
    AzureWebJobsStorage__queueServiceUri: storage.queueEndpoint
    AzureWebJobsStorage__tableServiceUri: storage.tableEndpoint
    TaskHubName: taskHubName
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.clientId};Authorization=AAD'
    // DefaultAzureCredential picks the user-assigned identity from this.
    AZURE_CLIENT_ID: identity.clientId
    // The Event Hubs trigger (Connection = "EventHubConnection") and the ingest producer read the same settings.
    EventHubConnection__fullyQualifiedNamespace: eventHubsNamespace
    EventHubConnection__credential: 'managedidentity'
    EventHubConnection__clientId: identity.clientId
    // Timer schedules.
    SegmentRefreshSchedule: segmentRefreshSchedule
    WorkflowPurgeSchedule: workflowPurgeSchedule
    DeliverySchedule: deliverySchedule
    // Cdp:Azure (src/Cdp.Azure/CdpAzureOptions.cs): no key, no connection string.
    Cdp__Azure__CosmosEndpoint: cosmos.endpoint
    Cdp__Azure__ManagedIdentityClientId: identity.clientId
    Cdp__Azure__DatabaseName: cosmos.databaseName
    Cdp__Azure__ProfilesContainer: cosmos.containers.profiles
    Cdp__Azure__IdentitiesContainer: cosmos.containers.identities
    Cdp__Azure__EventsContainer: cosmos.containers.events
    Cdp__Azure__DedupContainer: cosmos.containers.dedup
    Cdp__Azure__SegmentsContainer: cosmos.containers.segments
    Cdp__Azure__SegmentMembersContainer: cosmos.containers.segmentMembers
    Cdp__Azure__PrivacyContainer: cosmos.containers.privacy
    Cdp__Azure__ExportLedgerContainer: cosmos.containers.exports
    Cdp__Azure__DeliveriesContainer: cosmos.containers.deliveries
    Cdp__Azure__BlobServiceUri: storage.blobEndpoint
    Cdp__Azure__RawEventsBlobContainer: blobContainers.rawEvents
    Cdp__Azure__ExportsBlobContainer: blobContainers.exports
    Cdp__Azure__AccessPackagesBlobContainer: blobContainers.accessPackages
    Cdp__Azure__CertificatesBlobContainer: blobContainers.certificates
    Cdp__Azure__DeadLettersBlobContainer: blobContainers.deadLetters
    // Cdp:Identity, Cdp:Processing, Cdp:Privacy (Core's options classes, PrivacyCallbackOptions among them).
    Cdp__Identity__Pepper: '@Microsoft.KeyVault(SecretUri=${secretUris.identityPepper})'
    Cdp__Identity__DefaultPhoneRegion: defaultPhoneRegion
    Cdp__Processing__DedupWindow: dedupWindow
    Cdp__Privacy__ControllerId: privacy.controllerId
    Cdp__Privacy__CallbackSecret: '@Microsoft.KeyVault(SecretUri=${secretUris.privacyCallbackSecret})'
    Cdp__Privacy__ProcessorDomain: empty(privacy.processorDomain) ? site.properties.defaultHostName : privacy.processorDomain
    // Cdp:Sources (src/Cdp.Azure/Ingestion/SourceDirectoryOptions.cs): the hash of the write key, never the key.
    Cdp__Sources__0__Id: source.id
    Cdp__Sources__0__Name: source.name
    Cdp__Sources__0__WriteKeySha256: source.writeKeySha256
    // Cdp:Destinations (src/Cdp.Core/Destinations/DestinationSettings.cs), built above from the destinations parameter.
    ...destinationSettings
  }
}

// App Service authentication (Easy Auth) with Microsoft Entra ID. It validates bearer tokens issued for the app
// registration and passes the caller on in X-MS-CLIENT-PRINCIPAL, removing any copy a client sent, which is what lets
// the management functions trust that header (src/Cdp.Functions/Authorization/AppServicePrincipalCallers.cs).
// Unauthenticated requests still reach the app: the ingestion routes are anonymous (write keys), and every /api route
// answers 401/403 itself unless the principal holds the app role the route needs (Profiles.Read, Profiles.Write,
// Segments.Manage, Privacy.Manage).
resource auth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${authTenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            authClientId
            'api://${authClientId}'
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output uri string = 'https://${site.properties.defaultHostName}'
