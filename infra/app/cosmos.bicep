// Cosmos DB for NoSQL, serverless, with key (local) auth off: the database and every container the adapters in
// src/Cdp.Azure use are created here, since with Entra ID credentials the app cannot create them (403). The app's
// identity gets the Built-in Data Contributor role (data plane only: it cannot change containers or settings).

@description('Name of the Cosmos DB account.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags object

@description('Principal id of the app\'s managed identity.')
param principalId string

@description('Name of the database (Cdp:Azure:DatabaseName).')
param databaseName string

@description('Container names, one per Cdp:Azure:*Container setting.')
param containerNames {
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

@description('Days a timeline event is kept (container default TTL); 0 keeps events until erasure.')
@minValue(0)
param timelineRetentionDays int

// Every path indexed (range), the ETag left out: for containers read by point reads and the odd small query.
var defaultIndexing = {
  indexingMode: 'consistent'
  automatic: true
  includedPaths: [{ path: '/*' }]
  excludedPaths: [{ path: '/"_etag"/?' }]
}

// -1 switches TTL on without a default, so items expire only through their own `ttl`.
var perItemTtl = -1

var containers = [
  { name: containerNames.profiles, partitionKey: '/id', defaultTtl: null, indexingPolicy: defaultIndexing }
  { name: containerNames.identities, partitionKey: '/id', defaultTtl: null, indexingPolicy: defaultIndexing }
  {
    // The timeline (CosmosTimelineStore): written on every event, so only what its queries touch is indexed.
    // "ORDER BY c.timestamp DESC, c.id DESC" needs the composite index; "ARRAY_CONTAINS(@ids, c.id)" the id path.
    // Raw archive references (ADR 0016) share the partitions: items with "kind": "rawBlob" and their own "ttl": -1, so
    // they outlive the default TTL. The paging query leaves them out with "NOT IS_DEFINED(c.kind)" (a filter the
    // composite index still serves the ORDER BY under); "c.kind = @kind" lists them through the kind path, which only
    // references carry, so events cost no more to index.
    name: containerNames.events
    partitionKey: '/profileId'
    defaultTtl: timelineRetentionDays > 0 ? timelineRetentionDays * 86400 : perItemTtl
    indexingPolicy: {
      indexingMode: 'consistent'
      automatic: true
      includedPaths: [{ path: '/timestamp/?' }, { path: '/id/?' }, { path: '/kind/?' }]
      excludedPaths: [{ path: '/*' }]
      compositeIndexes: [
        [
          { path: '/timestamp', order: 'descending' }
          { path: '/id', order: 'descending' }
        ]
      ]
    }
  }
  {
    // Processed messageIds (CosmosDedupStore): point reads only, each entry expiring through its own `ttl`.
    name: containerNames.dedup
    partitionKey: '/id'
    defaultTtl: perItemTtl
    indexingPolicy: {
      indexingMode: 'consistent'
      automatic: true
      includedPaths: []
      excludedPaths: [{ path: '/*' }]
    }
  }
  { name: containerNames.segments, partitionKey: '/id', defaultTtl: null, indexingPolicy: defaultIndexing }
  // The segment members index (CosmosSegmentMembers): a segment's members in its partition, paged by id; the
  // reconciliation's look-up by profileId is a cross-partition query served by the range index on /*.
  { name: containerNames.segmentMembers, partitionKey: '/segmentKey', defaultTtl: null, indexingPolicy: defaultIndexing }
  // Requests, suppressions and audit entries, queried by kind, requestHash, status and requestId and listed with
  // "ORDER BY c.receivedTime DESC": a single-property ORDER BY served by the range index on /*.
  { name: containerNames.privacy, partitionKey: '/id', defaultTtl: null, indexingPolicy: defaultIndexing }
  // The export ledger (CosmosExportLedger): every record of a profile in its partition, read whole.
  { name: containerNames.exports, partitionKey: '/profileId', defaultTtl: null, indexingPolicy: defaultIndexing }
  // The delivery queue (CosmosDeliveryQueue): one partition per destination, queried by state, due time and profileId.
  { name: containerNames.deliveries, partitionKey: '/destination', defaultTtl: null, indexingPolicy: defaultIndexing }
]

// Built-in data-plane role: Cosmos DB Built-in Data Contributor.
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: [{ name: 'EnableServerless' }]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for c in containers: {
    parent: database
    name: c.name
    properties: {
      resource: {
        id: c.name
        partitionKey: {
          paths: [c.partitionKey]
          kind: 'Hash'
          version: 2
        }
        defaultTtl: c.defaultTtl
        indexingPolicy: c.indexingPolicy
      }
    }
  }
]

resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, principalId, dataContributorRoleId)
  properties: {
    principalId: principalId
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    scope: account.id
  }
}

output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
