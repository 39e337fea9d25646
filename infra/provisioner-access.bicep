// What the provisioner may do where it builds environments: a custom role with exactly the actions and
// data actions its steps declare (provisioner-role.json, printed by `envctl permissions`), assigned at the
// subscription with the ABAC condition Microsoft documents for constrained delegation: its own role
// assignments may only grant the roles the build grants, only to itself
// (provisioner-role-condition.json, printed by `envctl permissions --condition`).
targetScope = 'subscription'

@description('Object id of the provisioner\'s managed identity.')
param principalId string

@description('azd environment name; keeps the custom role\'s name unique in the tenant.')
param environmentName string

var role = loadJsonContent('provisioner-role.json')
var condition = loadJsonContent('provisioner-role-condition.json')

resource roleDefinition 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, role.Name, environmentName)
  properties: {
    roleName: '${role.Name} (${environmentName})'
    description: role.Description
    type: 'CustomRole'
    permissions: [
      {
        actions: role.Actions
        notActions: role.NotActions
        dataActions: role.DataActions
        notDataActions: role.NotDataActions
      }
    ]
    // The JSON holds a placeholder scope; the role is assignable only in this subscription.
    assignableScopes: [
      subscription().id
    ]
  }
}

resource roleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, roleDefinition.id)
  properties: {
    roleDefinitionId: roleDefinition.id
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'azure-env-provisioner (${environmentName}): builds and destroys environments; may grant only the roles its builds grant, only to itself.'
    condition: replace(condition.condition, condition.principalIdPlaceholder, principalId)
    conditionVersion: condition.conditionVersion
  }
}

output roleDefinitionId string = roleDefinition.id
