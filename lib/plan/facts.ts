/**
 * Fact references in a node's `desired`: values Azure knows only once another node exists (the cluster's
 * identity, an add-on's identity, a public IP's address, the current version of a certificate). The
 * planner writes `{ $fact: { node, fact } }`; the build hands each node the facts its dependencies
 * reported, and the activity resolves the references just before it compares and writes. Pure.
 */
import type { FactReference, JsonObject, JsonValue, PlanNode } from "./types";

/** Facts reported by nodes, by node key then fact name (never secrets: ids, addresses, names). */
export type FactsByNode = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** A reference to fact `fact` of node `node`. */
export function factOf(node: string, fact: string): FactReference {
  return { $fact: { node, fact } };
}

/** True for a {@link FactReference}. */
export function isFactReference(value: unknown): value is FactReference {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const inner = (value as { $fact?: unknown }).$fact;
  return (
    keys.length === 1 &&
    typeof inner === "object" &&
    inner !== null &&
    typeof (inner as { node?: unknown }).node === "string" &&
    typeof (inner as { fact?: unknown }).fact === "string"
  );
}

function collect(value: unknown, out: FactReference["$fact"][]): void {
  if (isFactReference(value)) out.push(value.$fact);
  else if (Array.isArray(value)) for (const item of value) collect(item, out);
  else if (typeof value === "object" && value !== null)
    for (const item of Object.values(value)) collect(item, out);
}

/** Every reference in `desired`, in document order. */
export function factReferencesOf(desired: JsonValue): FactReference["$fact"][] {
  const out: FactReference["$fact"][] = [];
  collect(desired, out);
  return out;
}

/** The nodes whose facts `node` needs (a subset of its dependencies), sorted. */
export function factSourcesOf(node: PlanNode): string[] {
  return [...new Set(factReferencesOf(node.desired).map((reference) => reference.node))].sort();
}

/** The facts `node` needs, picked from everything the build knows. */
export function factsFor(node: PlanNode, known: FactsByNode): FactsByNode {
  const picked: Record<string, Readonly<Record<string, string>>> = {};
  for (const source of factSourcesOf(node)) {
    const facts = known[source];
    if (facts) picked[source] = facts;
  }
  return picked;
}

/** The outcome of resolving a node's references. */
export type FactResolution =
  | { readonly ok: true; readonly desired: JsonObject }
  | { readonly ok: false; readonly missing: readonly FactReference["$fact"][] };

function replace(value: JsonValue, facts: FactsByNode, missing: FactReference["$fact"][]): JsonValue {
  if (isFactReference(value)) {
    const known = facts[value.$fact.node]?.[value.$fact.fact];
    if (known === undefined) missing.push(value.$fact);
    return known ?? null;
  }
  if (Array.isArray(value)) return value.map((item: JsonValue) => replace(item, facts, missing));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, replace(item as JsonValue, facts, missing)]),
    );
  }
  return value;
}

/** `desired` with every reference replaced by its fact; the references no fact answers, when some are missing. */
export function resolveFacts(desired: JsonObject, facts: FactsByNode): FactResolution {
  const missing: FactReference["$fact"][] = [];
  const resolved = replace(desired, facts, missing) as JsonObject;
  return missing.length > 0 ? { ok: false, missing } : { ok: true, desired: resolved };
}

/**
 * `desired` without the values that are references (for comparisons made without the facts, such as a
 * plan preview): a property left out is not compared.
 */
export function withoutFactReferences(desired: JsonObject): JsonObject {
  const strip = (value: JsonValue): JsonValue | undefined => {
    if (isFactReference(value)) return undefined;
    if (Array.isArray(value)) return value.map((item: JsonValue) => strip(item) ?? null);
    if (typeof value === "object" && value !== null) {
      const entries = Object.entries(value)
        .map(([key, item]) => [key, strip(item as JsonValue)] as const)
        .filter(([, item]) => item !== undefined);
      return Object.fromEntries(entries) as JsonObject;
    }
    return value;
  };
  return strip(desired) as JsonObject;
}

/**
 * Names of the facts nodes report and others reference: one name per fact, shared by the adapters that
 * read them and the planners that refer to them.
 */
export const FACT = {
  /** A public IP's address (`publicIpAddress`). */
  ipAddress: "ipAddress",
  /** The cluster's control-plane identity's principal (`managedCluster`, `identity.principalId`). */
  clusterPrincipalId: "principalId",
  /** The kubelet identity's object id: the nodes pull images with it (`managedCluster`). */
  kubeletObjectId: "kubeletObjectId",
  /** The cluster's OIDC issuer URL, the issuer of its service account tokens (`managedCluster`). */
  oidcIssuerUrl: "oidcIssuerUrl",
  /** A user-assigned identity's principal (object) id (`userAssignedIdentity`). */
  identityPrincipalId: "principalId",
  /** A user-assigned identity's client id, which workload identity's service account names (`userAssignedIdentity`). */
  identityClientId: "clientId",
  /** The application routing add-on's identity's object id (`managedCluster`). */
  webAppRoutingObjectId: "webAppRoutingObjectId",
  /** The Istio add-on's revision (`managedCluster`). */
  meshRevision: "meshRevision",
  /** A certificate's Key Vault id, with its version (`tlsCertificate`). */
  certificateId: "certificateId",
  /** A DNS zone's name servers, comma-separated (`dnsZone`). */
  nameServers: "nameServers",
} as const;
