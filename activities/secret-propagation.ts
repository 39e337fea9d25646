/**
 * The `kubernetesSecret` step: copies one data module's secrets from Key Vault into one Kubernetes
 * Secret in the environment's namespace, through the generic Kubernetes step (`kubernetes-objects.ts`):
 * the namespace is created when absent, the Secret created or replaced when its data or labels differ.
 * Values never leave the step.
 */
import type { AzureClients } from "../lib/azure/clients";
import type { StepPermissions } from "../lib/azure/permissions";
import { AzureError, classifyAzureError, isNotFoundError } from "../lib/azure/errors";
import type { KubernetesObjectBody, KubernetesSecretDesired, PlanNode } from "../lib/plan/types";
import { readSecret } from "../lib/secrets/vault-secrets";
import type { WriteDone } from "./contract";
import { ensureObject, objectApiFor, removeObject } from "./kubernetes-objects";

/**
 * What the step's calls need: the user kubeconfig (server and CA) from ARM, the vault's URI and its secret
 * values, then on the cluster (Azure RBAC for Kubernetes) the namespace read and created when missing, and
 * the Secret read, created or replaced, and deleted on destroy (docs/deploy.md#least-privilege).
 */
export const KUBERNETES_SECRET_PERMISSIONS: StepPermissions = {
  actions: [
    "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
    "Microsoft.KeyVault/vaults/read",
  ],
  dataActions: [
    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
    "Microsoft.ContainerService/managedClusters/namespaces/read",
    "Microsoft.ContainerService/managedClusters/namespaces/write",
    "Microsoft.ContainerService/managedClusters/secrets/read",
    "Microsoft.ContainerService/managedClusters/secrets/write",
    "Microsoft.ContainerService/managedClusters/secrets/delete",
  ],
};

/** Label every Secret the provisioner writes carries, with this value. */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY_VALUE = "azure-env-provisioner";

const toBase64 = (value: string) => Buffer.from(value, "utf8").toString("base64");

/** The secret-propagation steps over `clients`. */
export function createSecretPropagationSteps(clients: AzureClients) {
  /**
   * Creates or replaces the module's Secret (and its namespace when missing); writes nothing when the
   * Secret already matches.
   * @throws AzureError (classified)
   */
  async function ensure(node: PlanNode): Promise<WriteDone> {
    const desired = node.desired as unknown as KubernetesSecretDesired;
    const vault = await clients.secretClientForVault(desired.vaultId);
    const data: Record<string, string> = {};
    for (const [key, secretName] of Object.entries(desired.keys)) {
      const secret = await readSecret(vault, secretName, { budgetMs: clients.keyVaultPropagationBudgetMs });
      if (!secret) {
        throw new AzureError({
          kind: "notFound",
          code: "SecretNotFound",
          message: `Key Vault secret ${secretName} (for ${key}) is missing; its keyVaultSecrets step must run first`,
          retryable: false,
          target: node.id,
        });
      }
      data[key] = toBase64(secret.value);
    }
    const labels = {
      ...desired.labels,
      [MANAGED_BY_LABEL]: desired.labels[MANAGED_BY_LABEL] ?? MANAGED_BY_VALUE,
    };
    const { namespace, secretName } = desired;
    const namespaceObject: KubernetesObjectBody = {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: namespace, labels: { [MANAGED_BY_LABEL]: labels[MANAGED_BY_LABEL] } },
    };
    const secret: KubernetesObjectBody = {
      apiVersion: "v1",
      kind: "Secret",
      type: "Opaque",
      metadata: { name: secretName, namespace, labels },
      data,
    };
    try {
      const api = await objectApiFor(clients, desired.clusterId);
      // The namespace may be the ingress module's or someone else's: created when absent, never changed.
      await ensureObject(api, namespaceObject, "ifAbsent");
      const written = await ensureObject(api, secret, "object");
      // `unchanged`: the Secret already held these keys, values and labels (nothing written).
      const action = written.action === "none" ? "none" : written.action === "create" ? "create" : "replace";
      return {
        nodeKey: node.key,
        resourceId: node.id,
        outcome: action === "none" ? "unchanged" : "succeeded",
        action,
        facts: { namespace, secretName },
      };
    } catch (error) {
      throw classifyAzureError(error, node.id);
    }
  }

  /** Deletes the module's Secret; an absent Secret, namespace or cluster is success. */
  async function remove(node: PlanNode): Promise<WriteDone> {
    const desired = node.desired as unknown as KubernetesSecretDesired;
    const done: WriteDone = {
      nodeKey: node.key,
      resourceId: node.id,
      outcome: "succeeded",
      action: "delete",
    };
    try {
      const api = await objectApiFor(clients, desired.clusterId);
      await removeObject(api, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: desired.secretName, namespace: desired.namespace },
      });
      return done;
    } catch (error) {
      const classified = classifyAzureError(error, node.id);
      if (isNotFoundError(classified)) return done;
      throw classified;
    }
  }

  return { ensure, remove };
}

/** The secret-propagation steps, as {@link createSecretPropagationSteps} builds them. */
export type SecretPropagationSteps = ReturnType<typeof createSecretPropagationSteps>;
