/**
 * What preflight itself reads, as RBAC actions, by the plan node kind that makes it read them, so the
 * provisioner's role (`activities/permissions.ts`, `envctl permissions`) grants them beside the build's own
 * actions. Preflight writes nothing but a provider registration, which the role deliberately lacks
 * (docs/deploy.md#least-privilege): an administrator registers providers once, or preflight does it where
 * the identity is allowed to.
 */
import type { StepPermissions } from "../azure/permissions";
import type { NodeKind } from "../plan/types";

/** The reads of every preflight: the subscription, its providers, the caller's permissions. */
const COMMON_READS = [
  "Microsoft.Resources/subscriptions/read",
  "Microsoft.Resources/subscriptions/providers/read",
  "Microsoft.Authorization/permissions/read",
];

/**
 * Preflight's reads per node kind (every plan has a resource group, which carries the common reads).
 * Docs: docs/deploy.md's action table, with each action's source.
 */
export const PREFLIGHT_PERMISSIONS: Readonly<Partial<Record<NodeKind, StepPermissions>>> = {
  resourceGroup: { actions: COMMON_READS },
  keyVault: { actions: ["Microsoft.KeyVault/checkNameAvailability/read"] },
  postgresFlexibleServer: {
    actions: [
      "Microsoft.DBforPostgreSQL/locations/checkNameAvailability/action",
      "Microsoft.DBforPostgreSQL/locations/capabilities/read",
    ],
  },
  redisCache: { actions: ["Microsoft.Cache/CheckNameAvailability/action"] },
  containerRegistry: { actions: ["Microsoft.ContainerRegistry/checkNameAvailability/read"] },
  // Azure's operations list spells it in lower case; actions are compared case-insensitively.
  storageAccount: { actions: ["Microsoft.Storage/checknameavailability/read"] },
  managedCluster: {
    actions: [
      "Microsoft.ContainerService/locations/kubernetesVersions/read",
      "Microsoft.Compute/skus/read",
      "Microsoft.Compute/locations/usages/read",
    ],
  },
  publicIpAddress: { actions: ["Microsoft.Network/locations/usages/read"] },
};
