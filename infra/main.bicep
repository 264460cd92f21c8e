// Entry point for `azd up`: subscription scope, one resource group, one naming token.
// SKELETON: a later issue adds the resources as local modules under infra/app/ (Function App on Flex
// Consumption, Storage without shared keys, Cosmos DB serverless with its database and containers, Event Hubs
// namespace and hub, Application Insights, a user-assigned managed identity and its data-plane role
// assignments). Nothing here is deployed beyond the resource group yet.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; part of every resource name and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

var tags = { 'azd-env-name': environmentName }

// Stable per subscription, environment and region, so re-running `azd up` updates rather than duplicates.
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output RESOURCE_TOKEN string = resourceToken
