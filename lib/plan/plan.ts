/**
 * planEnvironment: a validated spec and the provisioner's settings in, the environment's resource DAG
 * out. Pure and deterministic: the same inputs give a byte-identical plan (and so the same hash).
 */
import { SpecValidationError } from "../spec/errors";
import type { CertificateModule, EnvironmentSpec, IngressModule, ModuleSpec } from "../spec/types";
import { canonicalHash } from "./canonical-json";
import { planCluster, type ClusterAddOns, type ClusterRefs } from "./cluster";
import { ingressIpKey, planCertificate, planDns, planIngress } from "./ingress";
import { normalizePlanContext, type PlanContext } from "./context";
import { planPostgres, planRedis } from "./data";
import { topologicalOrder } from "./graph";
import { resourceName } from "./naming";
import { planNetwork } from "./network";
import type { PlanningScope } from "./node";
import { planContainerRegistry, planRegistryPull } from "./registry";
import { planSecrets } from "./secrets";
import { planStorage } from "./storage";
import { planWorkloadIdentity } from "./workload-identity";
import { afterEnvironmentNamespace, environmentNamespace } from "./kubernetes";
import type { NodeRef } from "./network";
import type { Plan, PlanNode } from "./types";

function only<T extends ModuleSpec["type"]>(
  spec: EnvironmentSpec,
  type: T,
): Extract<ModuleSpec, { type: T }>[] {
  return spec.modules.filter((module): module is Extract<ModuleSpec, { type: T }> => module.type === type);
}

/** The cluster add-ons the ingress and certificate modules need (none without them). */
function clusterAddOns(
  ingress: IngressModule | undefined,
  certificate: CertificateModule | undefined,
): ClusterAddOns {
  if (!ingress) return {};
  return {
    webAppRouting: true,
    serviceMesh: ingress.linkerd_enabled ? { revision: ingress.istio_revision } : "disabled",
    keyVaultSecretsProvider: certificate !== undefined,
  };
}

/**
 * Plans an environment.
 * @param spec a spec accepted by `validateSpec` (it guarantees one base module and consistent fields).
 * @param context the provisioner's principal and addresses (see {@link PlanContext}).
 * @throws PlanContextError when the context is unusable.
 * @throws SpecValidationError when the spec has no base module (only possible for hand-made specs).
 */
export function planEnvironment(spec: EnvironmentSpec, context: PlanContext): Plan {
  const normalized = normalizePlanContext(context);
  const { subscription_id: subscriptionId, location } = spec.providers.azurerm;
  const owner = { subscriptionId, org: spec.org_name, environment: spec.name, module: "" };
  const resourceGroup = resourceName("resourceGroup", "rg", [spec.org_name, spec.name], owner);
  const scope: PlanningScope = {
    spec,
    context: normalized,
    subscriptionId,
    location,
    resourceGroup,
    resourceGroupId: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`,
  };

  const base = only(spec, "base")[0];
  // validateSpec guarantees a base module; a hand-made spec without one gets the same problem it would.
  if (!base)
    throw new SpecValidationError([{ path: "modules", message: "must list at least a base module" }]);
  const postgres = only(spec, "postgres");
  const redis = only(spec, "redis");
  // validateSpec guarantees the ingress has a cluster, and the certificate and the zone an ingress.
  const ingress = only(spec, "k8s-base")[0];
  const certificateSpec = ingress ? only(spec, "external-ssl-cert")[0] : undefined;
  const dns = ingress ? only(spec, "dns")[0] : undefined;
  const network = planNetwork(scope, base, {
    redis: redis.some((module) => module.engine === "azure-cache-for-redis"),
    managedRedis: redis.some((module) => module.engine !== "azure-cache-for-redis"),
    postgres: postgres.length > 0,
    storage: only(spec, "storage").length > 0,
    ...(ingress ? { ingress: { ipNodeKey: ingressIpKey(ingress.name) } } : {}),
  });
  const registry = planContainerRegistry(scope, base, network.refs);
  const nodes: PlanNode[] = [...network.nodes, ...registry.nodes];

  let cluster: ClusterRefs | undefined;
  for (const clusterSpec of only(spec, "k8s-cluster")) {
    const planned = planCluster(scope, clusterSpec, network.refs, clusterAddOns(ingress, certificateSpec));
    nodes.push(...planned.nodes);
    cluster = planned.refs;
    if (registry.registry)
      nodes.push(planRegistryPull(scope, registry.registry, planned.refs, clusterSpec.name));
  }
  if (ingress && cluster) {
    const certificate = certificateSpec
      ? planCertificate(scope, certificateSpec, network.refs, cluster)
      : undefined;
    nodes.push(...(certificate?.nodes ?? []));
    nodes.push(...planIngress(scope, ingress, network.refs, cluster, certificate?.refs));
    if (dns) nodes.push(...planDns(scope, dns, network.refs, ingressIpKey(ingress.name)));
  }
  const storageAccounts: NodeRef[] = [];
  for (const storage of only(spec, "storage")) {
    const planned = planStorage(scope, storage, network.refs, cluster);
    nodes.push(...planned.nodes);
    storageAccounts.push(planned.refs.account);
  }
  const clusterSpec = only(spec, "k8s-cluster")[0];
  let workloadIdentity: NodeRef | undefined;
  if (cluster && clusterSpec) {
    const planned = planWorkloadIdentity(scope, clusterSpec.name, cluster, network.refs, storageAccounts);
    nodes.push(...planned.nodes);
    workloadIdentity = planned.identity;
  }
  for (const module of spec.modules) {
    if (module.type !== "postgres" && module.type !== "redis") continue;
    const data =
      module.type === "postgres"
        ? planPostgres(scope, module, network.refs, workloadIdentity)
        : planRedis(scope, module, network.refs, workloadIdentity);
    nodes.push(...data.nodes, ...planSecrets(scope, module, data.refs, network.refs, cluster));
  }

  // One node creates the environment's namespace; whatever writes into it waits for it.
  const namespaceNode =
    cluster && clusterSpec ? environmentNamespace(scope, clusterSpec.name, cluster) : undefined;
  const planned = namespaceNode ? afterEnvironmentNamespace([...nodes, namespaceNode], namespaceNode) : nodes;

  const body: Omit<Plan, "hash"> = {
    formatVersion: 1,
    environmentId: `${spec.org_name}-${spec.name}`,
    org: spec.org_name,
    environment: spec.name,
    subscriptionId,
    location,
    resourceGroup,
    pinnedDefaults: spec.appliedDefaults,
    nodes: topologicalOrder(planned),
  };
  return { ...body, hash: canonicalHash(body) };
}
