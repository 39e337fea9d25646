/**
 * The `kubernetesSecret` step: copies one data module's secrets from Key Vault into one Kubernetes
 * Secret in the environment's namespace. It reaches the API server with the server address and CA from
 * the cluster's user kubeconfig and a bearer token of its own credential for the AKS AAD server
 * application — no admin certificate, nothing long-lived. Values never leave the step.
 */
import type { V1Secret } from "@kubernetes/client-node" with { "resolution-mode": "import" };
import { AKS_AAD_SCOPE, type AzureClients } from "../lib/azure/clients";
import type { StepPermissions } from "../lib/azure/permissions";
import { AzureError, classifyAzureError, isNotFoundError } from "../lib/azure/errors";
import { parseResourceId } from "../lib/azure/resource-id";
import type { KubernetesSecretDesired, PlanNode } from "../lib/plan/types";
import { readSecret } from "../lib/secrets/vault-secrets";
import type { WriteDone } from "./contract";

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

function sameStrings(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>>,
): boolean {
  const left = a ?? {};
  const keys = Object.keys(b);
  return Object.keys(left).length === keys.length && keys.every((key) => left[key] === b[key]);
}

/** The secret-propagation steps over `clients`. */
export function createSecretPropagationSteps(clients: AzureClients) {
  /** A core API client for the cluster, with a token fetched now (never kept across calls). */
  async function coreApiFor(clusterId: string) {
    const id = parseResourceId(clusterId);
    let kubeconfig: string;
    try {
      const credentials = await clients.containerService.managedClusters.listClusterUserCredentials(
        id.resourceGroup,
        id.name,
      );
      const value = credentials.kubeconfigs?.[0]?.value;
      if (!value) throw new Error(`cluster ${clusterId} returned no kubeconfig`);
      kubeconfig = Buffer.from(value).toString("utf8");
    } catch (error) {
      throw classifyAzureError(error, clusterId);
    }
    const token = await clients.credential.getToken(AKS_AAD_SCOPE);
    if (!token) throw new Error("the credential gave no token for the AKS AAD server application");
    return clients.kubernetes(kubeconfig, token.token);
  }

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
    const body: V1Secret = {
      apiVersion: "v1",
      kind: "Secret",
      type: "Opaque",
      metadata: { name: secretName, namespace, labels },
      data,
    };
    // `unchanged`: the Secret already held these keys, values and labels (nothing written).
    const result = (action: "none" | "create" | "replace"): WriteDone => ({
      nodeKey: node.key,
      resourceId: node.id,
      outcome: action === "none" ? "unchanged" : "succeeded",
      action,
      facts: { namespace, secretName },
    });

    try {
      const core = await coreApiFor(desired.clusterId);
      await ensureNamespace(core, namespace, labels);
      const existing = await readOrUndefined(() =>
        core.readNamespacedSecret({ name: secretName, namespace }),
      );
      if (existing) {
        if (sameStrings(existing.data, data) && sameStrings(existing.metadata?.labels, labels))
          return result("none");
        // Replace, not patch: keys no longer planned must disappear from the Secret.
        await core.replaceNamespacedSecret({ name: secretName, namespace, body });
        return result("replace");
      }
      try {
        await core.createNamespacedSecret({ namespace, body });
        return result("create");
      } catch (error) {
        // Someone created it between our read and create (a concurrent retry): replace it.
        if (classifyAzureError(error).statusCode !== 409) throw error;
        await core.replaceNamespacedSecret({ name: secretName, namespace, body });
        return result("replace");
      }
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
      const core = await coreApiFor(desired.clusterId);
      await core.deleteNamespacedSecret({ name: desired.secretName, namespace: desired.namespace });
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

type CoreApi = Awaited<ReturnType<AzureClients["kubernetes"]>>;

async function readOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFoundError(classifyAzureError(error))) return undefined;
    throw error;
  }
}

async function ensureNamespace(
  core: CoreApi,
  namespace: string,
  labels: Record<string, string>,
): Promise<void> {
  const existing = await readOrUndefined(() => core.readNamespace({ name: namespace }));
  if (existing) return;
  try {
    await core.createNamespace({
      body: {
        metadata: {
          name: namespace,
          labels: { [MANAGED_BY_LABEL]: labels[MANAGED_BY_LABEL] ?? MANAGED_BY_VALUE },
        },
      },
    });
  } catch (error) {
    // Created concurrently: what we wanted.
    if (classifyAzureError(error).statusCode !== 409) throw error;
  }
}
