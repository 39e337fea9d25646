/**
 * Parses ARM request paths case-insensitively into what they address: one resource, a collection of a
 * type under a scope, or a POST action on a resource. Ids are rebuilt with the canonical casing of the
 * resource type (from the registry) and the caller's casing of names, as ARM returns them.
 */

/** A registered type, as the path parser needs it. */
export interface KnownType {
  /** Canonical ARM type, e.g. `Microsoft.Network/virtualNetworks/subnets`. */
  readonly type: string;
}

/** What an ARM path addresses. */
export type ArmTarget =
  | {
      readonly kind: "resource";
      readonly type: string;
      readonly id: string;
      readonly name: string;
      readonly parentId: string;
    }
  | { readonly kind: "collection"; readonly type: string; readonly parentId: string }
  | { readonly kind: "action"; readonly type: string; readonly id: string; readonly action: string };

const RESOURCE_GROUP_TYPE = "Microsoft.Resources/resourceGroups";

/** Lower-cased id: the store's key, since ARM matches ids case-insensitively. */
export const idKey = (id: string): string => id.toLowerCase();

/** Canonical casing of the well-known scope segments. */
function canonicalScope(segments: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i] ?? "";
    const lower = segment.toLowerCase();
    if (i % 2 === 0 && lower === "subscriptions") out.push("subscriptions");
    else if (i % 2 === 0 && lower === "resourcegroups") out.push("resourceGroups");
    else out.push(segment);
  }
  return out.length === 0 ? "" : `/${out.join("/")}`;
}

/**
 * Splits an ARM path into its target.
 * @param path - decoded URL path, e.g. `/subscriptions/s/resourcegroups/rg/providers/Microsoft.Network/virtualNetworks/v`
 * @param types - registered types by lower-case ARM type
 * @returns undefined when the path names no registered type
 */
export function parseArmPath(path: string, types: ReadonlyMap<string, KnownType>): ArmTarget | undefined {
  const segments = path.split("/").filter((s) => s.length > 0);
  const lower = segments.map((s) => s.toLowerCase());
  const providersAt = lower.lastIndexOf("providers");
  if (providersAt < 0) return parseScopePath(segments, lower, types);
  const scope = canonicalScope(segments.slice(0, providersAt));
  const namespace = segments[providersAt + 1];
  const rest = segments.slice(providersAt + 2);
  if (namespace === undefined || rest.length === 0) return undefined;

  let typePath = namespace.toLowerCase();
  let canonicalType: KnownType | undefined;
  let id = scope;
  let parentId = scope;
  let name = "";
  for (let i = 0; i < rest.length; i += 2) {
    const typeSegment = rest[i] ?? "";
    const nameSegment = rest[i + 1];
    const candidate = types.get(`${typePath}/${typeSegment.toLowerCase()}`);
    if (candidate === undefined) {
      // An unknown trailing segment after a resource name is an action (`listKeys`, `purge`).
      if (nameSegment === undefined && canonicalType !== undefined && i > 0) {
        return { kind: "action", type: canonicalType.type, id, action: typeSegment };
      }
      return undefined;
    }
    typePath = `${typePath}/${typeSegment.toLowerCase()}`;
    canonicalType = candidate;
    const canonicalSegment = candidate.type.split("/").at(-1) ?? typeSegment;
    const prefix = i === 0 ? `${scope}/providers/${candidate.type.split("/")[0]}` : id;
    if (nameSegment === undefined) return { kind: "collection", type: candidate.type, parentId: id };
    parentId = i === 0 ? scope : id;
    id = `${prefix}/${canonicalSegment}/${nameSegment}`;
    name = nameSegment;
  }
  if (canonicalType === undefined) return undefined;
  return { kind: "resource", type: canonicalType.type, id, name, parentId };
}

/** `/subscriptions/{s}/resourcegroups[/{rg}]`: resource groups have no provider segment. */
function parseScopePath(
  segments: readonly string[],
  lower: readonly string[],
  types: ReadonlyMap<string, KnownType>,
): ArmTarget | undefined {
  if (lower[0] !== "subscriptions" || lower[2] !== "resourcegroups") return undefined;
  if (!types.has(RESOURCE_GROUP_TYPE.toLowerCase())) return undefined;
  const subscriptionId = `/subscriptions/${segments[1] ?? ""}`;
  if (segments.length === 3)
    return { kind: "collection", type: RESOURCE_GROUP_TYPE, parentId: subscriptionId };
  if (segments.length === 4) {
    const name = segments[3] ?? "";
    return {
      kind: "resource",
      type: RESOURCE_GROUP_TYPE,
      id: `${subscriptionId}/resourceGroups/${name}`,
      name,
      parentId: subscriptionId,
    };
  }
  return undefined;
}

/** The resource group id (`/subscriptions/s/resourceGroups/rg`) containing `id`, if any. */
export function resourceGroupIdOf(id: string): string | undefined {
  const match = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+/i.exec(id);
  return match?.[0];
}

/** The subscription id segment of `id`, if any. */
export function subscriptionOf(id: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(id)?.[1];
}
