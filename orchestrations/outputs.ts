/**
 * A build's outputs: what users need to reach what was built. Names and ids come from the plan; the
 * facts only Azure knows (the cluster's FQDN, a server's host name) come from the nodes' ensure reports.
 * Secret values are never among them: Key Vault secret NAMES and the Kubernetes Secret's name only.
 */
import type { KeyVaultSecretsDesired, KubernetesSecretDesired, Plan, PlanNode } from "../lib/plan/types";
import type { EnvironmentOutputs } from "./contracts";
import type { ResourceFacts } from "../activities/contract";
import { ingressOutputs } from "./ingress-outputs";

/** The fact each kind contributes to the outputs, by the name its ensure report gives it. */
export const OUTPUT_FACT = {
  managedCluster: "fqdn",
  keyVault: "vaultUri",
  postgresFlexibleServer: "host",
  redisCache: "host",
  managedRedisCluster: "host",
  containerRegistry: "loginServer",
} as const;

type FactsByKey = Readonly<Record<string, ResourceFacts | undefined>>;

function factOf(plan: Plan, facts: FactsByKey, kind: keyof typeof OUTPUT_FACT): string | undefined {
  const node = plan.nodes.find((candidate) => candidate.kind === kind);
  return node ? facts[node.key]?.[OUTPUT_FACT[kind]] : undefined;
}

function hostOfSource(plan: Plan, facts: FactsByKey, sourceId: string): string | undefined {
  const source = plan.nodes.find((node) => node.id.toLowerCase() === sourceId.toLowerCase());
  if (
    !source ||
    !(
      source.kind === "postgresFlexibleServer" ||
      source.kind === "redisCache" ||
      source.kind === "managedRedisCluster"
    )
  )
    return undefined;
  return facts[source.key]?.[OUTPUT_FACT[source.kind]];
}

function dataModule(plan: Plan, facts: FactsByKey, secretsNode: PlanNode) {
  const desired = secretsNode.desired as unknown as KeyVaultSecretsDesired;
  const kubernetesNode = plan.nodes.find(
    (node) => node.kind === "kubernetesSecret" && node.module === secretsNode.module,
  );
  const kubernetes = kubernetesNode?.desired as unknown as KubernetesSecretDesired | undefined;
  const host = hostOfSource(plan, facts, desired.sourceId);
  return {
    ...(host === undefined ? {} : { host }),
    keyVaultSecretNames: Object.values(desired.secretNames).sort(),
    ...(kubernetes === undefined
      ? {}
      : { kubernetesSecret: { namespace: kubernetes.namespace, name: kubernetes.secretName } }),
  };
}

/**
 * The outputs of a build of `plan`, given the facts each node's ensure reported (by node key). Facts of
 * nodes that did not succeed are simply absent.
 * @param nowMs - orchestration time, for the certificate's expiry warning @default - no warning
 */
export function buildOutputs(plan: Plan, facts: FactsByKey, nowMs?: number): EnvironmentOutputs {
  const resourceGroup = plan.nodes.find((node) => node.kind === "resourceGroup");
  const clusterFqdn = factOf(plan, facts, "managedCluster");
  const keyVaultUri = factOf(plan, facts, "keyVault");
  const containerRegistryLoginServer = factOf(plan, facts, "containerRegistry");
  const ingress = ingressOutputs(plan, facts, nowMs ?? Number.NEGATIVE_INFINITY);
  const dataModules = Object.fromEntries(
    plan.nodes
      .filter((node) => node.kind === "keyVaultSecrets")
      .map((node) => [node.module, dataModule(plan, facts, node)]),
  );
  return {
    ...(resourceGroup === undefined ? {} : { resourceGroupId: resourceGroup.id }),
    ...(clusterFqdn === undefined ? {} : { clusterFqdn }),
    ...(keyVaultUri === undefined ? {} : { keyVaultUri }),
    ...(containerRegistryLoginServer === undefined ? {} : { containerRegistryLoginServer }),
    ...(ingress === undefined ? {} : { ingress }),
    dataModules,
  };
}
