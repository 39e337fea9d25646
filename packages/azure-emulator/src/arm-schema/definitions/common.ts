/**
 * Definitions shared across services: ARM's common types (`common-types/resource-management/v5|v6/types.json`,
 * `managedidentity.json`) and the envelope every resource answer has.
 */
import { any, map, obj, ro, str } from "../schema.js";

/** `systemData`: who created and last modified the resource, and when (read-only). */
export const systemData = ro(
  obj("systemData", {
    createdBy: str,
    createdByType: str,
    createdAt: str,
    lastModifiedBy: str,
    lastModifiedByType: str,
    lastModifiedAt: str,
  }),
);

/** common-types `Resource`: id, name, type and systemData, all the service's. */
export const proxyResource = obj("ProxyResource", {
  id: ro(str),
  name: ro(str),
  type: ro(str),
  systemData,
});

/** common-types `TrackedResource`: a resource with a location and tags. */
export const trackedResource = obj("TrackedResource", {
  ...proxyResource.properties,
  tags: map(str),
  location: str,
});

/** common-types `ManagedServiceIdentity` (v5/v6). */
export const managedServiceIdentity = obj("ManagedServiceIdentity", {
  principalId: ro(str),
  tenantId: ro(str),
  type: str,
  userAssignedIdentities: map(obj("UserAssignedIdentity", { principalId: ro(str), clientId: ro(str) })),
});

/** `SubResource`: a reference by id. */
export const subResource = obj("SubResource", { id: str });

/** A reference to a model of another file this table does not transcribe: any members accepted. */
export const untranscribed = any;

/** common-types `ErrorDetail`, as resources carry a provisioning error (read-only). */
export const errorDetail = obj("ErrorDetail", {
  code: ro(str),
  message: ro(str),
  target: ro(str),
  details: ro(any),
  additionalInfo: ro(any),
});
