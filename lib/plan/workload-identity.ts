/**
 * Workload identity for the environment's apps: one user-assigned managed identity per environment, with a
 * federated credential trusting the cluster's OIDC issuer for one Kubernetes service account in the
 * environment's namespace, the data roles apps need (Key Vault Secrets User on the vault, Storage Blob Data
 * Contributor on each storage account), and that service account, annotated with the identity's client id.
 * Pods running as it get Entra ID tokens with no secret at all.
 *
 * Per environment, not per data module: an environment's apps share one namespace, and one service
 * account per namespace is the simplest thing that works; data roles per module would only separate apps
 * that already share a namespace (docs/spec.md#workload-identity). Facts: docs/azure-facts.md#workload-identity.
 */
import { defaultSecretNamespace } from "../spec/defaults";
import type { ClusterRefs } from "./cluster";
import { FACT, factOf } from "./facts";
import { KEY_VAULT_SECRETS_USER_ROLE_ID } from "./ingress";
import { kubernetesObject, labelsOf } from "./kubernetes";
import type { NetworkRefs, NodeRef } from "./network";
import { armId, environmentResourceName, makeNode, tagsOf, type PlanningScope } from "./node";
import { identityRoleAssignment } from "./roles";
import type { KubernetesObjectBody, PlanNode } from "./types";

/** Built-in role: Storage Blob Data Contributor (read, write and delete blobs). */
export const STORAGE_BLOB_DATA_CONTRIBUTOR_ROLE_ID = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

/** The Kubernetes service account apps run as to use the environment's identity. */
export const WORKLOAD_SERVICE_ACCOUNT = "workload";

/** The audience Entra ID expects in a federated token. */
export const ENTRA_TOKEN_AUDIENCE = "api://AzureADTokenExchange";

/** The annotation workload identity reads the client id from. */
export const WORKLOAD_CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";

/**
 * Plans the environment's workload identity (planned only with a cluster): its nodes, and the identity
 * itself, which data modules with `auth: entra` make a database or cache user.
 */
export function planWorkloadIdentity(
  scope: PlanningScope,
  clusterModule: string,
  cluster: ClusterRefs,
  network: NetworkRefs,
  storageAccounts: readonly NodeRef[],
): { nodes: PlanNode[]; identity: NodeRef } {
  const module = clusterModule;
  const name = environmentResourceName(scope, "userAssignedIdentity", "id", "", ["workload"]);
  const id = armId(scope, "Microsoft.ManagedIdentity", ["userAssignedIdentities", name]);
  const identity = makeNode({
    kind: "userAssignedIdentity",
    module,
    part: "workload-identity",
    stage: "cluster",
    name,
    id,
    dependsOn: [network.resourceGroup.key],
    desired: { location: scope.location, tags: tagsOf(scope, module) },
  });
  const identityRef: NodeRef = { key: identity.key, id, name };
  const namespace = defaultSecretNamespace(scope.spec.name);
  const federation = makeNode({
    kind: "federatedIdentityCredential",
    module,
    part: "workload-identity-federation",
    stage: "cluster",
    name: "kubernetes-workload",
    id: `${id}/federatedIdentityCredentials/kubernetes-workload`,
    dependsOn: [identity.key, cluster.cluster.key],
    desired: {
      issuer: factOf(cluster.cluster.key, FACT.oidcIssuerUrl),
      subject: `system:serviceaccount:${namespace}:${WORKLOAD_SERVICE_ACCOUNT}`,
      audiences: [ENTRA_TOKEN_AUDIENCE],
    },
  });
  const grant = (part: string, scopeId: string, roleId: string, dependsOn: readonly string[]) =>
    identityRoleAssignment(scope, {
      module,
      part,
      stage: "cluster",
      scopeId,
      roleId,
      principal: { node: identityRef, fact: FACT.identityPrincipalId },
      dependsOn,
    });
  const roles = [
    grant("role-workload-vault-secrets-user", network.vault.id, KEY_VAULT_SECRETS_USER_ROLE_ID, [
      network.vault.key,
    ]),
    ...storageAccounts.map((account) =>
      grant(
        `role-workload-blob-${account.key.split("/")[0]!}`,
        account.id,
        STORAGE_BLOB_DATA_CONTRIBUTOR_ROLE_ID,
        [account.key],
      ),
    ),
  ];
  const labels = labelsOf(scope, module);
  const serviceAccount = kubernetesObject(cluster.cluster, {
    module,
    part: "workload-service-account",
    stage: "secrets",
    ownership: "object",
    object: {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: {
        name: WORKLOAD_SERVICE_ACCOUNT,
        namespace,
        labels,
        annotations: { [WORKLOAD_CLIENT_ID_ANNOTATION]: factOf(identity.key, FACT.identityClientId) },
      },
      // The annotation's value is a fact reference, resolved before the write (lib/plan/facts.ts).
    } as unknown as KubernetesObjectBody,
    dependsOn: [cluster.adminRole.key, identity.key],
  });
  return { nodes: [identity, federation, ...roles, serviceAccount], identity: identityRef };
}
