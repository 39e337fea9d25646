/** Adapters for user-assigned managed identities and their federated identity credentials (synchronous writes). */
import type { FederatedIdentityCredential, Identity } from "@azure/arm-msi";
import { FACT } from "../../lib/plan/facts";
import { nameAt } from "./shapes";
import { asModel, type ArmAdapter } from "./types";

export const userAssignedIdentityAdapter: ArmAdapter = {
  armType: "Microsoft.ManagedIdentity/userAssignedIdentities",
  permissions: {
    actions: [
      "Microsoft.ManagedIdentity/userAssignedIdentities/read",
      "Microsoft.ManagedIdentity/userAssignedIdentities/write",
      "Microsoft.ManagedIdentity/userAssignedIdentities/delete",
    ],
  },
  // Role assignments name the principal; the service account names the client id.
  facts: { [FACT.identityPrincipalId]: ["principalId"], [FACT.identityClientId]: ["clientId"] },
  get: (c, id) => c.msi.userAssignedIdentities.get(id.resourceGroup, id.name),
  write: ({ clients, id }, body, options) =>
    clients.msi.userAssignedIdentities.createOrUpdate(
      id.resourceGroup,
      id.name,
      asModel<Identity>(body),
      options,
    ),
  remove: (c, id, options) => c.msi.userAssignedIdentities.delete(id.resourceGroup, id.name, options),
};

export const federatedIdentityCredentialAdapter: ArmAdapter = {
  armType: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
  permissions: {
    actions: [
      "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read",
      "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
      "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete",
    ],
  },
  get: (c, id) =>
    c.msi.federatedIdentityCredentials.get(id.resourceGroup, nameAt(id.names, 0), nameAt(id.names, 1)),
  write: ({ clients, id }, body, options) =>
    clients.msi.federatedIdentityCredentials.createOrUpdate(
      id.resourceGroup,
      nameAt(id.names, 0),
      nameAt(id.names, 1),
      asModel<FederatedIdentityCredential>(body),
      options,
    ),
  remove: (c, id, options) =>
    c.msi.federatedIdentityCredentials.delete(
      id.resourceGroup,
      nameAt(id.names, 0),
      nameAt(id.names, 1),
      options,
    ),
};
