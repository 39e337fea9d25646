/**
 * The provisioner's permissions are declared beside the calls that need them, and complete: every node
 * kind the planner can emit has a declaration, each ARM adapter declares what its own GET/PUT/DELETE and
 * operation-status reads need, every resource a body references is covered by the linked-access action
 * ARM checks on it, and the example environment needs exactly everything declared.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ARM_ADAPTERS, type ArmNodeKind } from "../../activities/adapters/table";
import {
  ALL_NODE_KINDS,
  DATA_PLANE_PERMISSIONS,
  ROLES_THE_BUILD_GRANTS,
  ROLES_THE_BUILD_GRANTS_ITS_IDENTITIES,
  permissionsOfAllKinds,
  permissionsOfNode,
  permissionsOfPlans,
  roleGrantsOf,
  rolesGrantedBy,
  stepPermissionsOfKind,
} from "../../activities/permissions";
import { unionOfPermissions } from "../../lib/azure/permissions";
import { ARM_TYPE_BY_KIND } from "../../lib/plan/kinds";
import { planEnvironment } from "../../lib/plan/plan";
import type { NodeKind, Plan, PlanNode } from "../../lib/plan/types";
import { validateSpec } from "../../lib/spec/validate";
import { readRepositoryFile } from "./repository";
import { fullSpecDocument, specDocument } from "../spec/fixtures";

const CONTEXT = {
  provisionerPrincipalId: "44444444-4444-4444-8444-444444444444",
  provisionerIpRanges: ["203.0.113.9/32"],
};

function planOf(spec: unknown): Plan {
  const result = validateSpec(spec);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return planEnvironment(result.spec, CONTEXT);
}

const stagingPlan = () => planOf(readRepositoryFile("examples/staging.yaml"));
/** The environment reachable from the internet: ingress, certificate and DNS. */
const publicPlan = () => planOf(readRepositoryFile("examples/public.yaml"));
/** Private data: the registry, the cluster and a storage account. */
const privateDataPlan = () => planOf(readRepositoryFile("examples/private-data.yaml"));

/** RBAC names resource groups under the subscription; every other kind's actions use its ARM type. */
const rbacTypeOf = (kind: ArmNodeKind): string =>
  kind === "resourceGroup" ? "Microsoft.Resources/subscriptions/resourceGroups" : ARM_TYPE_BY_KIND[kind];

const actionsOf = (kind: NodeKind) =>
  unionOfPermissions(
    stepPermissionsOfKind(kind).flatMap((step) => [step, ...Object.values(step.variants ?? {})]),
  );

describe("the declared permissions", () => {
  it("cover every node kind in lib/plan/kinds.ts: an ARM adapter or a data-plane step, each declaring actions", () => {
    const kinds = Object.keys(ARM_TYPE_BY_KIND) as NodeKind[];
    assert.deepEqual([...ALL_NODE_KINDS].sort(), [...kinds].sort());
    for (const kind of kinds) {
      const declared = kind in ARM_ADAPTERS || kind in DATA_PLANE_PERMISSIONS;
      assert.ok(declared, `${kind} has neither an ARM adapter nor a data-plane permission declaration`);
      assert.ok(actionsOf(kind).actions.length > 0, `${kind} declares no actions`);
    }
  });

  it("let every ARM adapter read, write and delete its own resource type (built-in configurations: no delete)", () => {
    for (const kind of Object.keys(ARM_ADAPTERS) as ArmNodeKind[]) {
      const { actions } = actionsOf(kind);
      const type = rbacTypeOf(kind);
      const verbs = ARM_ADAPTERS[kind].builtIn ? ["read", "write"] : ["read", "write", "delete"];
      for (const verb of verbs) {
        assert.ok(actions.includes(`${type}/${verb}`), `${kind} does not declare ${type}/${verb}`);
      }
      if (ARM_ADAPTERS[kind].builtIn) {
        assert.ok(!actions.includes(`${type}/delete`), `${kind} is never deleted, so declares no delete`);
      }
    }
  });

  it("let every long-running ARM write be watched: a status read of the adapter's own provider", () => {
    // Role assignments and managed identities are synchronous writes; everything else is polled by the check step.
    const synchronous: readonly ArmNodeKind[] = [
      "roleAssignment",
      "userAssignedIdentity",
      "federatedIdentityCredential",
    ];
    for (const kind of Object.keys(ARM_ADAPTERS) as ArmNodeKind[]) {
      if (synchronous.includes(kind)) continue;
      const namespace = rbacTypeOf(kind).split("/")[0]!;
      const statusReads = actionsOf(kind).actions.filter(
        (action) =>
          action.startsWith(`${namespace}/`) && /operation/i.test(action) && action.endsWith("/read"),
      );
      assert.ok(statusReads.length > 0, `${kind} declares no ${namespace} operation-status read`);
    }
  });

  it("are well-formed RBAC operations, exact (no wildcard)", () => {
    const { actions, dataActions } = permissionsOfAllKinds();
    for (const action of [...actions, ...dataActions]) {
      assert.match(action, /^Microsoft\.[A-Za-z]+(\/[A-Za-z0-9.]+)+\/(read|write|delete|action)$/, action);
    }
  });

  it("include every linked-access action ARM checks on the resources a node's body references", () => {
    // What ARM requires of the caller on a resource another resource's body names (docs/deploy.md#least-privilege).
    const linked: Readonly<Record<string, string>> = {
      "Microsoft.Network/virtualNetworks": "Microsoft.Network/virtualNetworks/join/action",
      "Microsoft.Network/virtualNetworks/subnets": "Microsoft.Network/virtualNetworks/subnets/join/action",
      "Microsoft.Network/networkSecurityGroups": "Microsoft.Network/networkSecurityGroups/join/action",
      "Microsoft.Network/natGateways": "Microsoft.Network/natGateways/join/action",
      "Microsoft.Network/publicIPAddresses": "Microsoft.Network/publicIPAddresses/join/action",
      "Microsoft.Network/privateDnsZones": "Microsoft.Network/privateDnsZones/join/action",
      "Microsoft.KeyVault/vaults": "Microsoft.KeyVault/vaults/PrivateEndpointConnectionsApproval/action",
      "Microsoft.Cache/redis": "Microsoft.Cache/redis/PrivateEndpointConnectionsApproval/action",
      "Microsoft.Cache/redisEnterprise":
        "Microsoft.Cache/redisEnterprise/PrivateEndpointConnectionsApproval/action",
      "Microsoft.ContainerRegistry/registries":
        "Microsoft.ContainerRegistry/registries/privateEndpointConnectionsApproval/action",
      "Microsoft.Storage/storageAccounts":
        "Microsoft.Storage/storageAccounts/PrivateEndpointConnectionsApproval/action",
    };
    // A role assignment names its role definition; ARM checks nothing on it beyond the assignment itself.
    const unchecked = new Set(["Microsoft.Authorization/roleDefinitions"]);
    for (const node of [
      ...planOf(fullSpecDocument()).nodes,
      ...publicPlan().nodes,
      ...privateDataPlan().nodes,
    ]) {
      if (!(node.kind in ARM_ADAPTERS)) continue;
      const needs = unionOfPermissions(permissionsOfNode(node)).actions;
      for (const reference of referencedIds(node)) {
        const type = armTypeOfId(reference);
        if (unchecked.has(type)) continue;
        const action = linked[type];
        assert.ok(
          action,
          `${node.key} references a ${type}; add its linked-access action to the adapter and here`,
        );
        assert.ok(needs.includes(action), `${node.key} references a ${type} but does not declare ${action}`);
      }
    }
  });

  it("are exactly what the staging, public and private-data examples and a cache on the older engine need: every kind and variant, nothing declared unused", () => {
    // The staging example builds Azure Managed Redis; an environment pinned to Azure Cache for Redis
    // builds the older kind, which the role must still cover; the public example builds the ingress,
    // its certificate and DNS.
    const older = planOf(
      specDocument([{ type: "base" }, { type: "redis", name: "cache", engine: "azure-cache-for-redis" }]),
    );
    const plans = [stagingPlan(), publicPlan(), privateDataPlan(), older];
    assert.deepEqual(
      [...new Set(plans.flatMap((plan) => plan.nodes.map((node) => node.kind)))].sort(),
      [...ALL_NODE_KINDS].sort(),
      "the three build every kind",
    );
    assert.deepEqual(permissionsOfPlans(plans), permissionsOfAllKinds());
  });

  it("shrink with the environment: a network-only spec needs no cluster, database or cache action", () => {
    const base = permissionsOfPlans([planOf(specDocument([{ type: "base" }]))]);
    const everything = permissionsOfAllKinds();
    assert.ok(base.actions.every((action) => everything.actions.includes(action)));
    for (const provider of [
      "Microsoft.ContainerService/",
      "Microsoft.DBforPostgreSQL/",
      "Microsoft.Cache/",
    ]) {
      assert.ok(!base.actions.some((action) => action.startsWith(provider)), provider);
    }
    assert.ok(!base.actions.includes("Microsoft.Cache/redis/PrivateEndpointConnectionsApproval/action"));
  });

  it("refuse a node whose variant nothing declares (a private endpoint to a new kind of target)", () => {
    const endpoint = stagingPlan().nodes.find((node) => node.kind === "privateEndpoint")!;
    const toSql: PlanNode = {
      ...endpoint,
      desired: {
        ...endpoint.desired,
        privateLinkServiceConnections: [
          {
            name: "x",
            privateLinkServiceId: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Sql/servers/a",
            groupIds: ["sqlServer"],
          },
        ],
      },
    };
    assert.throws(() => permissionsOfNode(toSql), /no permissions for variant "Microsoft\.Sql\/servers"/);
  });

  it("are each listed in docs/deploy.md's tables with the provider page that publishes them", () => {
    const docs = readRepositoryFile("docs/deploy.md");
    const rows = [
      ...docs.matchAll(/^\| `(Microsoft\.[^`]+)` +\|.*\]\((https:\/\/learn\.microsoft\.com\/[^)]+)\)/gm),
    ];
    const listed = rows.map((row) => row[1]!);
    const { actions, dataActions } = permissionsOfAllKinds();
    assert.deepEqual(
      [...listed].sort(),
      [...actions, ...dataActions].sort(),
      "regenerate the tables in docs/deploy.md",
    );
  });

  it("name, as the roles the build grants, exactly the roles the planner assigns", () => {
    const plans = [planOf(fullSpecDocument()), publicPlan(), privateDataPlan()];
    const guids = (roles: Readonly<Record<string, string>>) =>
      Object.values(roles)
        .map((id) => id.toLowerCase())
        .sort();
    assert.deepEqual(
      rolesGrantedBy(plans),
      [...guids(ROLES_THE_BUILD_GRANTS), ...guids(ROLES_THE_BUILD_GRANTS_ITS_IDENTITIES)].sort(),
    );
    // To the provisioner (a principal the plan names) or to the environment's own identities (read from
    // the created cluster), each set exactly as declared: the condition constrains them differently.
    assert.deepEqual(roleGrantsOf(plans), {
      toNamed: guids(ROLES_THE_BUILD_GRANTS),
      toIdentities: guids(ROLES_THE_BUILD_GRANTS_ITS_IDENTITIES),
    });
    for (const node of publicPlan().nodes.filter((node) => node.kind === "roleAssignment"))
      assert.equal(node.desired.principalType, "ServicePrincipal", node.key);
  });
});

/** Every ARM id (a `/subscriptions/…/providers/…` string) in `node.desired`, except the node's own. */
function referencedIds(node: PlanNode): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === "string") {
      if (
        /^\/subscriptions\/[^/]+\/.*\/providers\//i.test(value) &&
        value.toLowerCase() !== node.id.toLowerCase()
      )
        found.push(value);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") Object.values(value).forEach(visit);
  };
  visit(node.desired);
  return found;
}

/** `Microsoft.Network/virtualNetworks/subnets` for a subnet id: the namespace and every type segment. */
function armTypeOfId(id: string): string {
  const parts = id.split("/").filter((part) => part !== "");
  const providers = parts.map((part) => part.toLowerCase()).lastIndexOf("providers");
  const [namespace, ...rest] = parts.slice(providers + 1);
  return [namespace, ...rest.filter((_, index) => index % 2 === 0)].join("/");
}
