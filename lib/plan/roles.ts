/**
 * Role assignments to the environment's own identities: principals Azure creates with a resource (the
 * cluster's identity, its kubelet identity, an add-on's identity, a user-assigned identity), known only
 * once that resource exists, so the plan names them by a fact reference (`lib/plan/facts.ts`).
 */
import { factOf } from "./facts";
import { roleDefinitionId, type NodeRef } from "./network";
import { makeNode, type PlanningScope } from "./node";
import { deterministicGuid } from "./naming";
import type { PlanNode, Stage } from "./types";

/** A role assignment of `roleId` at `scopeId` for a principal only known once a node exists. */
export function identityRoleAssignment(
  scope: PlanningScope,
  draft: {
    readonly module: string;
    readonly part: string;
    readonly stage: Stage;
    readonly scopeId: string;
    readonly roleId: string;
    /** The node whose fact names the principal, and the fact. */
    readonly principal: { readonly node: NodeRef; readonly fact: string };
    readonly dependsOn: readonly string[];
  },
): PlanNode {
  // The name derives from the principal's source (node id and fact), not its value: the same on every
  // re-apply though the principal is only known at run time.
  const name = deterministicGuid([
    draft.scopeId,
    draft.roleId,
    draft.principal.node.id,
    draft.principal.fact,
  ]);
  return makeNode({
    kind: "roleAssignment",
    module: draft.module,
    part: draft.part,
    stage: draft.stage,
    name,
    id: `${draft.scopeId}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    dependsOn: [draft.principal.node.key, ...draft.dependsOn],
    desired: {
      roleDefinitionId: roleDefinitionId(scope.subscriptionId, draft.roleId),
      principalId: factOf(draft.principal.node.key, draft.principal.fact),
      principalType: "ServicePrincipal",
    },
  });
}
