/** Small helpers the per-type specs share. */
import { createHash } from "node:crypto";
import { isRecord } from "../body-path.js";
import { idKey } from "../resource-path.js";
import type { ResourceStore, StoredResource } from "../store.js";

/** A short, stable hex hash of an id: deterministic read-only values (fqdn suffixes, principal ids). */
export function stableHash(value: string, length = 8): string {
  return createHash("sha256").update(value.toLowerCase()).digest("hex").slice(0, length);
}

/** A stable GUID derived from `value` (principal ids of managed identities). */
export function stableGuid(value: string): string {
  const h = stableHash(value, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The `properties` object of a body (empty when absent). */
export function propertiesOf(body: Record<string, unknown>): Record<string, unknown> {
  return isRecord(body.properties) ? body.properties : {};
}

/**
 * Resources (other than `id` itself, its ancestors and descendants) whose body mentions `id`: a subnet
 * referenced by a private endpoint, a server or a cluster is "in use", whatever the referencing type.
 */
export function referencesTo(store: ResourceStore, id: string): StoredResource[] {
  const key = idKey(id);
  const quoted = `"${key}"`;
  return store.all().filter((r) => {
    const other = idKey(r.id);
    if (other === key || other.startsWith(`${key}/`) || key.startsWith(`${other}/`)) return false;
    return JSON.stringify(r.body).toLowerCase().includes(quoted);
  });
}

/** A resource's location, for read-only fields that embed it. */
export const locationOf = (resource: StoredResource): string =>
  typeof resource.body.location === "string"
    ? resource.body.location.replace(/\s+/g, "").toLowerCase()
    : "eastus";
