/** Small plans for the fast specs: a handful of nodes of real kinds, so latencies and deadlines apply. */
import type { NodeKind, Plan, PlanNode, Stage } from "../../../lib/plan/types";
import { estimatedCreateSec } from "../../../lib/plan/kinds";

const STAGE_BY_KIND: Partial<Record<NodeKind, Stage>> = {
  managedCluster: "cluster",
  roleAssignment: "cluster",
  postgresFlexibleServer: "data",
  postgresDatabase: "data",
  redisCache: "data",
  keyVaultSecrets: "secrets",
  kubernetesSecret: "secrets",
};

/** A plan node of `kind` under key `key` (`module/part`), in environment `acme-test` until {@link planOf} moves it. */
export function node(key: string, kind: NodeKind, dependsOn: readonly string[] = []): PlanNode {
  const [module = key, part = key] = key.split("/");
  return {
    key,
    kind,
    module,
    stage: STAGE_BY_KIND[kind] ?? "network",
    name: `${module}-${part}`,
    id: resourceIdOf("acme-test", key),
    dependsOn: [...dependsOn],
    desired: {},
    immutable: [],
    estimatedDurationSec: estimatedCreateSec(kind),
  };
}

function resourceIdOf(environmentId: string, key: string): string {
  return `/subscriptions/sub/resourceGroups/rg-${environmentId}/providers/test/${key}`;
}

/**
 * A plan of `nodes` (in topological order) for environment `environmentId`; the nodes' resource ids
 * are that environment's, so several environments never share a resource.
 */
export function planOf(nodes: readonly PlanNode[], environmentId = "acme-test"): Plan {
  return {
    formatVersion: 1,
    environmentId,
    org: "acme",
    environment: environmentId.replace(/^acme-/, ""),
    subscriptionId: "sub",
    location: "eastus2",
    resourceGroup: `rg-${environmentId}`,
    pinnedDefaults: {},
    nodes: nodes.map((n) => ({ ...n, id: resourceIdOf(environmentId, n.key) })),
    hash: `hash-${environmentId}`,
  };
}
