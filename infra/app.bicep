// The Function App and what it runs on, in its resource group: a user-assigned identity it runs as, its
// storage account (identity-only: no shared keys), Log Analytics + Application Insights (Entra-only
// ingestion), a Flex Consumption plan, and, with staticEgress, a VNet whose integration subnet leaves
// through a NAT gateway with a static public IP. Resource shapes follow Microsoft's Flex Consumption
// samples (docs/deploy.md#sources).

@description('Region of every resource.')
param location string

@description('Tags of every resource.')
param tags object

@description('Suffix that makes names unique (uniqueString of subscription, environment and region).')
param resourceToken string

@description('Subscriptions the provisioner builds environments in (its allow-list).')
param targetSubscriptionIds array

@description('Route the app\'s outbound traffic through a NAT gateway with a static public IP.')
param staticEgress bool

@description('CIDRs allowed besides the static egress address.')
param extraAllowedIpRanges array

@description('Always-ready instances for the Durable Functions group.')
param durableAlwaysReadyInstances int

@description('Upper bound of Flex Consumption instances.')
param maximumInstanceCount int

@description('Memory of each instance, in MB.')
param instanceMemoryMB int

@description('Environments of one queue batch built at once.')
param maxConcurrentBuilds int

@description('Days Log Analytics keeps the logs.')
param logRetentionDays int

@description('Application (client) id of the API\'s app registration: the tokens\' audience.')
param apiClientId string

@description('Tenant whose tokens the API accepts.')
param authTenantId string

@description('JSON map of org_name to group object ids.')
param orgGroups string

@description('Org_names queued requests may target (comma-separated, * for all).')
param queueOrgs string

// Built-in roles (docs/deploy.md#role-guids).
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

var deploymentContainerName = 'app-package'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-provisioner-${resourceToken}'
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: 'stprov${resourceToken}'
  location: location
  tags: tags
  sku: {
    name: 'Standard_LRS'
  }
  kind: 'StorageV2'
  properties: {
    accessTier: 'Hot'
    // Entra ID only: the host, Durable, the queue trigger, the records and the deployment all use the
    // app's identity; no account key exists to leak.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

// Flex Consumption runs the app from a package in this container (azd uploads it there).
resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Host storage needs Blob Data Owner; Durable's task hub needs queues and tables; the queue trigger and
// the environment records use the same account (docs/deploy.md#identity-based-storage).
resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in [storageBlobDataOwner, storageQueueDataContributor, storageTableDataContributor]: {
    name: guid(storage.id, identity.id, roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-provisioner-${resourceToken}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-provisioner-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    // Telemetry is accepted only with an Entra token (the app's identity), not the instrumentation key.
    DisableLocalAuth: true
  }
}

resource appInsightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource egressIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = if (staticEgress) {
  name: 'pip-provisioner-${resourceToken}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Regional'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
  }
}

resource natGateway 'Microsoft.Network/natGateways@2024-05-01' = if (staticEgress) {
  name: 'ng-provisioner-${resourceToken}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    idleTimeoutInMinutes: 4
    publicIpAddresses: [
      {
        id: egressIp.id
      }
    ]
  }
}

var appSubnetName = 'app'

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = if (staticEgress) {
  name: 'vnet-provisioner-${resourceToken}'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        '10.90.0.0/24'
      ]
    }
    subnets: [
      {
        name: appSubnetName
        properties: {
          // One address per instance: a /25 covers maximumInstanceCount's default and then some.
          addressPrefix: '10.90.0.0/25'
          // Flex Consumption VNet integration requires this delegation.
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          natGateway: {
            id: natGateway.id
          }
        }
      }
    ]
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-provisioner-${resourceToken}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-provisioner-${resourceToken}'
  location: location
  // azd finds the service's target by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // A reference (not resourceId()) so the site waits for the subnet.
    virtualNetworkSubnetId: staticEgress ? vnet.properties.subnets[0].id : null
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: durableAlwaysReadyInstances > 0
          ? [
              {
                name: 'durable'
                instanceCount: durableAlwaysReadyInstances
              }
            ]
          : []
      }
      runtime: {
        name: 'node'
        version: '20'
      }
    }
  }
  dependsOn: [
    deploymentContainer
  ]
}

var allowedIpRanges = staticEgress ? concat(['${egressIp.properties.ipAddress}/32'], extraAllowedIpRanges) : extraAllowedIpRanges

// Every setting the code reads, except those docs/deploy.md#app-settings leaves out with a reason
// (test/deploy/template.test.ts holds the two lists against each other).
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // Host storage, Durable's task hub, the queue trigger and the records: identity-based, one account.
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identity.properties.clientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
    // DefaultAzureCredential picks the user-assigned identity by this client id.
    AZURE_CLIENT_ID: identity.properties.clientId
    PROVISIONER_SUBSCRIPTION_IDS: join(targetSubscriptionIds, ',')
    PROVISIONER_TENANT_ID: tenant().tenantId
    PROVISIONER_PRINCIPAL_ID: identity.properties.principalId
    PROVISIONER_ALLOWED_IP_RANGES: join(allowedIpRanges, ',')
    PROVISIONER_MAX_CONCURRENT_BUILDS: string(maxConcurrentBuilds)
    // Callers sign in with Microsoft Entra ID (docs/auth.md); the function key stays the platform's gate.
    PROVISIONER_AUTH: 'entra'
    PROVISIONER_AUTH_TENANT_ID: authTenantId
    PROVISIONER_AUTH_AUDIENCE: apiClientId
    // The template does not turn on App Service Authentication: the app validates bearer tokens itself.
    PROVISIONER_AUTH_EASY_AUTH: 'false'
    PROVISIONER_ORG_GROUPS: orgGroups
    PROVISIONER_QUEUE_ORGS: queueOrgs
  }
  // The host starts as soon as its settings exist; give it its storage and telemetry roles first.
  dependsOn: [
    storageRoles
    appInsightsRole
  ]
}

output principalId string = identity.properties.principalId
output functionAppName string = site.name
output functionAppUri string = 'https://${site.properties.defaultHostName}'
output allowedIpRanges string = join(allowedIpRanges, ',')
