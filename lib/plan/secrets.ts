/**
 * The secret steps of a data module: its connection facts written to Key Vault under Opta-compatible
 * names, then (when the environment has a cluster) copied into one Kubernetes Secret. Only names are
 * planned; values are read and written inside the activities.
 */
import { OPTA_SECRET_FACTS, optaSecretKey, secretFactsOf } from "../spec/secret-keys";
import type { DataModule } from "../spec/types";
import type { ClusterRefs } from "./cluster";
import type { DataRefs } from "./data";
import type { NetworkRefs } from "./network";
import { makeNode, MANAGED_BY, type PlanningScope } from "./node";
import type { KeyVaultSecretsDesired, KubernetesSecretDesired, PlanNode } from "./types";

export { OPTA_SECRET_FACTS, optaSecretKey };

/** Key Vault secret names allow only letters, digits and hyphens: `db_db_host` ⇒ `db-db-host`. */
export function keyVaultSecretName(optaKey: string): string {
  return optaKey.replace(/[^A-Za-z0-9-]/g, "-");
}

/** Plans the secret steps of one data module. */
export function planSecrets(
  scope: PlanningScope,
  spec: DataModule,
  data: DataRefs,
  network: NetworkRefs,
  cluster: ClusterRefs | undefined,
): PlanNode[] {
  const module = spec.name;
  const facts = secretFactsOf(spec);
  const secretNames = Object.fromEntries(
    facts.map((fact) => {
      const key = optaSecretKey(module, fact);
      return [key, keyVaultSecretName(key)];
    }),
  );
  const vaultSecrets: KeyVaultSecretsDesired = {
    vaultName: network.vault.name,
    vaultId: network.vault.id,
    source: spec.type === "redis" && spec.engine !== "azure-cache-for-redis" ? "managedRedis" : spec.type,
    sourceId: data.source.id,
    secretNames,
    ...(data.user !== undefined ? { user: data.user } : {}),
  };
  const secretsNode = makeNode({
    kind: "keyVaultSecrets",
    module,
    part: "key-vault-secrets",
    stage: "secrets",
    name: module,
    id: `${network.vault.id}/secretSets/${module}`,
    dependsOn: [...data.readyKeys, network.vault.key, network.vaultWriterRole.key],
    desired: { ...vaultSecrets },
  });
  if (!cluster || spec.kubernetes_secret === false) return [secretsNode];

  const { namespace, name } = spec.kubernetes_secret;
  // Key Vault names stay `<module>-<fact>` (the Key Vault step reads the fact from that key's suffix);
  // only the Kubernetes keys take the spec's names (Opta's `links` renames).
  const renamed = spec.kubernetes_secret.keys ?? {};
  const kubernetesKeys = Object.fromEntries(
    facts.map((fact) => {
      const key = optaSecretKey(module, fact);
      return [renamed[fact] ?? key, keyVaultSecretName(key)];
    }),
  );
  const kubernetesSecret: KubernetesSecretDesired = {
    clusterId: cluster.cluster.id,
    namespace,
    secretName: name,
    vaultName: network.vault.name,
    vaultId: network.vault.id,
    keys: kubernetesKeys,
    labels: {
      "app.kubernetes.io/managed-by": MANAGED_BY,
      "azure-env-provisioner/environment": `${scope.spec.org_name}-${scope.spec.name}`,
      "azure-env-provisioner/module": module,
    },
  };
  const kubernetesNode = makeNode({
    kind: "kubernetesSecret",
    module,
    part: "kubernetes-secret",
    stage: "secrets",
    name,
    id: `${cluster.cluster.id}/namespaces/${namespace}/secrets/${name}`,
    dependsOn: [cluster.cluster.key, cluster.adminRole.key, secretsNode.key],
    desired: { ...kubernetesSecret, keys: { ...kubernetesKeys }, labels: { ...kubernetesSecret.labels } },
  });
  return [secretsNode, kubernetesNode];
}

/** Where the PostgreSQL admin password of a plan's server is kept, from the plan's `keyVaultSecrets` node. */
export function adminPasswordSecretFor(
  nodes: readonly PlanNode[],
  serverNode: PlanNode,
): { readonly vaultId: string; readonly secretName: string } | undefined {
  for (const node of nodes) {
    if (node.kind !== "keyVaultSecrets") continue;
    const desired = node.desired as unknown as KeyVaultSecretsDesired;
    if (desired.source !== "postgres" || desired.sourceId.toLowerCase() !== serverNode.id.toLowerCase())
      continue;
    const entry = Object.entries(desired.secretNames).find(([key]) => key.endsWith("_db_password"));
    if (entry) return { vaultId: desired.vaultId, secretName: entry[1] };
  }
  return undefined;
}
