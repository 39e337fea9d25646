/**
 * Microsoft.ManagedIdentity (`msi/resource-manager/Microsoft.ManagedIdentity/stable/<api-version>/ManagedIdentity.json`),
 * at the api-version `@azure/arm-msi` 2.2.0 sends: user-assigned identities (tenant, principal and client
 * ids are the service's) and their federated identity credentials (issuer, subject, audiences).
 */
import { arr, map, obj, ro, req, str, type ApiVersionSchema, type ObjectSchema } from "../schema.js";
import { proxyResource, systemData } from "./common.js";

export const MSI_API_VERSION = "2024-11-30";
const SOURCE = `msi/resource-manager/Microsoft.ManagedIdentity/stable/${MSI_API_VERSION}/ManagedIdentity.json`;

export const userAssignedIdentity: ObjectSchema = obj("Identity", {
  id: ro(str),
  name: ro(str),
  type: ro(str),
  systemData,
  location: req(str),
  tags: map(str),
  // Not read-only in `Identity` (the PUT body): `isolationScope` is written on create and update. Only
  // `IdentityUpdate` (PATCH) marks the whole object read-only.
  properties: obj("UserAssignedIdentityProperties", {
    tenantId: ro(str),
    principalId: ro(str),
    clientId: ro(str),
    isolationScope: str,
  }),
});

export const federatedIdentityCredential: ObjectSchema = obj("FederatedIdentityCredential", {
  ...proxyResource.properties,
  properties: req(
    obj("FederatedIdentityCredentialProperties", {
      issuer: req(str),
      subject: req(str),
      audiences: req(arr(str)),
    }),
  ),
});

export const MSI_SCHEMAS = {
  userAssignedIdentity: { apiVersion: MSI_API_VERSION, resource: userAssignedIdentity, source: SOURCE },
  federatedIdentityCredential: {
    apiVersion: MSI_API_VERSION,
    resource: federatedIdentityCredential,
    source: SOURCE,
  },
} as const satisfies Record<string, ApiVersionSchema>;
