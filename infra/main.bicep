// azure-env-provisioner on Azure: one resource group with the Function App (Flex Consumption, Node 20)
// and what it runs on, and, in each subscription it builds environments in, the custom role with exactly
// the actions it performs (infra/provisioner-role.json, printed by `envctl permissions`), assigned to its
// managed identity with an ABAC condition on the role assignments it may make. docs/deploy.md explains
// every choice and its source.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region of the provisioner (one where Flex Consumption is offered).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Comma-separated subscriptions the provisioner builds environments in (PROVISIONER_SUBSCRIPTION_IDS, its allow-list); each gets the custom role and its assignment. Empty (and targetSubscriptionId empty): the deployment\'s own subscription.')
param targetSubscriptionIds string = ''

@description('One more subscription to build in, the older single-subscription parameter (PROVISIONER_TARGET_SUBSCRIPTION_ID); added to targetSubscriptionIds.')
param targetSubscriptionId string = ''

@description('Give the app a static egress address (VNet integration + NAT gateway + public IP); it is added to PROVISIONER_ALLOWED_IP_RANGES, the Key Vault firewall and AKS API allow-list of every environment.')
param staticEgress bool = true

@description('Comma-separated CIDRs added to PROVISIONER_ALLOWED_IP_RANGES besides the static egress address (e.g. an operator\'s network).')
param extraAllowedIpRanges string = ''

@minValue(0)
@maxValue(2)
@description('Always-ready instances for the Durable Functions group; Microsoft recommends 1 on Flex Consumption. 0 scales to zero at rest (no baseline charge).')
param durableAlwaysReadyInstances int = 0

@minValue(40)
@maxValue(1000)
@description('Upper bound of Flex Consumption instances.')
param maximumInstanceCount int = 40

@allowed([
  512
  2048
  4096
])
@description('Memory of each Flex Consumption instance, in MB.')
param instanceMemoryMB int = 2048

@minValue(0)
@description('Environments of one queue batch built at once (PROVISIONER_MAX_CONCURRENT_BUILDS); 0 chooses it per batch from ARM\'s write bucket.')
param maxConcurrentBuilds int = 0

@minValue(30)
@maxValue(730)
@description('Days Log Analytics keeps the app\'s logs.')
param logRetentionDays int = 30

@description('Application (client) id of the API\'s app registration: the audience of the access tokens callers send (PROVISIONER_AUTH_AUDIENCE; docs/auth.md). Empty: every request is refused until it is set.')
param apiClientId string = ''

@description('Tenant whose Microsoft Entra ID tokens the API accepts (PROVISIONER_AUTH_TENANT_ID). Empty: the deployment\'s tenant.')
param authTenantId string = ''

@description('JSON map of org_name to the object ids of the groups that may act on it, e.g. {"acme":["<group id>"]} (PROVISIONER_ORG_GROUPS). Empty: no organisation is open to signed-in callers.')
param orgGroups string = ''

@description('Comma-separated org_names that queued requests may target, or * for all (PROVISIONER_QUEUE_ORGS). Empty: all.')
param queueOrgs string = ''

var tags = { 'azd-env-name': environmentName }
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var requestedSubscriptionIds = union(
  filter(map(split(toLower(targetSubscriptionIds), ','), id => trim(id)), id => !empty(id)),
  empty(targetSubscriptionId) ? [] : [toLower(trim(targetSubscriptionId))]
)
var buildSubscriptionIds = empty(requestedSubscriptionIds) ? [subscription().subscriptionId] : requestedSubscriptionIds

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module app 'app.bicep' = {
  name: 'provisioner-app'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    targetSubscriptionIds: buildSubscriptionIds
    staticEgress: staticEgress
    extraAllowedIpRanges: filter(map(split(extraAllowedIpRanges, ','), cidr => trim(cidr)), cidr => !empty(cidr))
    durableAlwaysReadyInstances: durableAlwaysReadyInstances
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    maxConcurrentBuilds: maxConcurrentBuilds
    logRetentionDays: logRetentionDays
    apiClientId: apiClientId
    authTenantId: empty(authTenantId) ? tenant().tenantId : authTenantId
    orgGroups: orgGroups
    queueOrgs: queueOrgs
  }
}

// The role is created and assigned where environments are built, not where the app runs: once in each
// allowed subscription (a custom role's assignable scope is the subscription it is created in).
module access 'provisioner-access.bicep' = [
  for (buildSubscriptionId, index) in buildSubscriptionIds: {
    name: 'provisioner-access-${resourceToken}-${index}'
    scope: subscription(buildSubscriptionId)
    params: {
      principalId: app.outputs.principalId
      environmentName: environmentName
    }
  }
]

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_NAME string = app.outputs.functionAppName
output SERVICE_API_NAME string = app.outputs.functionAppName
output SERVICE_API_URI string = app.outputs.functionAppUri
output PROVISIONER_PRINCIPAL_ID string = app.outputs.principalId
output PROVISIONER_SUBSCRIPTION_IDS string = join(buildSubscriptionIds, ',')
output PROVISIONER_ALLOWED_IP_RANGES string = app.outputs.allowedIpRanges
output PROVISIONER_ROLE_DEFINITION_IDS array = [for (buildSubscriptionId, index) in buildSubscriptionIds: access[index].outputs.roleDefinitionId]
