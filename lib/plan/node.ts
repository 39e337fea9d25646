/**
 * The one way plan nodes are made: key, estimate and immutable paths come from the kind's facts; ids
 * from one ARM id builder; tags from one function. Per-module planners only supply data.
 */
import type { EnvironmentSpec } from "../spec/types";
import type { PlanContext } from "./context";
import { estimatedCreateSec, IMMUTABLE_PATHS_BY_KIND } from "./kinds";
import { resourceName, type NamedType, type NameOwner } from "./naming";
import type { JsonObject, NodeKind, PlanNode, Stage } from "./types";

/** Tag value `managed-by` on every resource this service creates. */
export const MANAGED_BY = "azure-env-provisioner";

/** What every module planner receives. */
export interface PlanningScope {
  readonly spec: EnvironmentSpec;
  readonly context: PlanContext;
  readonly subscriptionId: string;
  readonly location: string;
  readonly resourceGroup: string;
  /** `/subscriptions/<s>/resourceGroups/<rg>`. */
  readonly resourceGroupId: string;
}

/** The owner of a module's names (the inputs of their uniqueness hash). */
export function ownerOf(scope: PlanningScope, module: string): NameOwner {
  return {
    subscriptionId: scope.subscriptionId,
    org: scope.spec.org_name,
    environment: scope.spec.name,
    module,
  };
}

/**
 * Name of a resource: `<prefix>-<org>-<env>[-<suffix…>]`. Its uniqueness hash covers `module` (empty for
 * environment-wide resources, so renaming the base module never renames the vault).
 */
export function environmentResourceName(
  scope: PlanningScope,
  type: NamedType,
  prefix: string,
  module: string,
  suffix: readonly string[] = [],
): string {
  return resourceName(
    type,
    prefix,
    [scope.spec.org_name, scope.spec.name, ...suffix],
    ownerOf(scope, module),
  );
}

/** Tags of every resource of a module. */
export function tagsOf(scope: PlanningScope, module: string): JsonObject {
  return { org: scope.spec.org_name, environment: scope.spec.name, module, "managed-by": MANAGED_BY };
}

/**
 * ARM id of a resource in the environment's resource group: `provider` is e.g. `Microsoft.Network`, and
 * `path` alternates types and names (`["virtualNetworks", vnet, "subnets", "nodes"]`).
 */
export function armId(scope: PlanningScope, provider: string, path: readonly string[]): string {
  return `${scope.resourceGroupId}/providers/${provider}/${path.join("/")}`;
}

/** The fields a planner chooses; the rest is derived. */
export interface NodeDraft {
  readonly kind: NodeKind;
  readonly module: string;
  /** The node's part within its module; the key is `<module>/<part>`. */
  readonly part: string;
  readonly stage: Stage;
  readonly name: string;
  readonly id: string;
  readonly dependsOn: readonly string[];
  readonly desired: JsonObject;
}

/** Key of a module's part: `<module>/<part>`. */
export function nodeKey(module: string, part: string): string {
  return `${module}/${part}`;
}

/** True when the dot path `path` names a value in `desired`. */
function hasPath(desired: JsonObject, path: string): boolean {
  let at: unknown = desired;
  for (const part of path.split(".")) {
    if (typeof at !== "object" || at === null) return false;
    at = (at as Record<string, unknown>)[part];
  }
  return at !== undefined;
}

/** Completes a draft into a node (dependencies sorted, so their order never changes the plan). */
export function makeNode(draft: NodeDraft): PlanNode {
  return {
    key: nodeKey(draft.module, draft.part),
    kind: draft.kind,
    module: draft.module,
    stage: draft.stage,
    name: draft.name,
    id: draft.id,
    dependsOn: [...new Set(draft.dependsOn)].sort(),
    desired: draft.desired,
    // Only the paths this node sets: one it leaves out (a server without an administrator login, `auth:
    // entra`) is never compared, so it cannot be reported as changed.
    immutable: IMMUTABLE_PATHS_BY_KIND[draft.kind].filter((path) => hasPath(draft.desired, path)),
    estimatedDurationSec: estimatedCreateSec(draft.kind),
  };
}
