// The one user-assigned managed identity the Function App runs as. Every data-plane role is granted to it by the module
// that owns the resource (storage.bicep, cosmos.bicep, ...), so a role sits next to what it opens.

@description('Name of the managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
