/**
 * Rules between modules, and the defaults that depend on other fields: module names unique; one base
 * and at most one cluster; data modules and the cluster need the base; SKU coherence; Kubernetes secret
 * placement (default namespace = the environment's name, only when a cluster exists); default subnet
 * layout inside the VNet. Produces the resolved modules the plan is built from.
 */
import { KNOWN_POSTGRES_SKUS } from "./azure-catalog";
import { defaultSecretName, defaultSecretNamespace, defaultSubnetLayout } from "./defaults";
import { CACHE_FOR_REDIS_ENGINE, resolveRedisModule } from "./redis-module";
import {
  ACCESS_KEY_FACT,
  optaSecretKey,
  PASSWORD_FACT,
  secretFactsOf,
  type OPTA_SECRET_FACTS,
} from "./secret-keys";
import { checkClusterNetwork, checkSubnets, checkSubnetSizes, type NetworkFields } from "./network-checks";
import type {
  BaseModuleInput,
  ClusterModuleInput,
  PostgresModuleInput,
  RedisModuleInput,
  StorageModuleInput,
} from "./schema";
import type { CertificateModuleInput, DnsModuleInput, IngressModuleInput } from "./ingress-schema";
import {
  certificateZoneWarnings,
  ingressStructureProblems,
  resolveCertificate,
  resolveDns,
  meshRevisionFindings,
  resolveIngress,
} from "./resolve-ingress";
import type { BaseModule, KubernetesSecretPlacement, ModuleSpec, SpecProblem } from "./types";

/** A module that passed its schema, with its position in the spec and the keys it wrote. */
export type ParsedModule = { readonly index: number; readonly given: ReadonlySet<string> } & (
  | { readonly input: BaseModuleInput }
  | { readonly input: ClusterModuleInput }
  | { readonly input: PostgresModuleInput }
  | { readonly input: RedisModuleInput }
  | { readonly input: IngressModuleInput }
  | { readonly input: CertificateModuleInput }
  | { readonly input: DnsModuleInput }
  | { readonly input: StorageModuleInput }
);

const SUBNET_KEYS = ["nodes_subnet_cidr", "private_endpoints_subnet_cidr", "postgres_subnet_cidr"] as const;

const at = (index: number, key?: string): string => `modules[${index}]${key ? `.${key}` : ""}`;

/** A module of a built type as the spec declares it, whether or not its fields are valid. */
export interface DeclaredModule {
  readonly index: number;
  readonly type: ParsedModule["input"]["type"];
  /** Its `name` when that is a string, else its type. */
  readonly name: string;
}

/**
 * Resolves the modules of a spec whose envelope names the environment `environmentName`. Structural rules
 * (names, counts, the base and cluster being present) use every `declared` module, so one bad field does
 * not hide them; rules relating fields use the `parsed` modules, those whose fields are each valid.
 */
export function resolveModules(
  environmentName: string,
  declared: readonly DeclaredModule[],
  parsed: readonly ParsedModule[],
): { modules: ModuleSpec[]; problems: SpecProblem[]; warnings: SpecProblem[] } {
  const problems: SpecProblem[] = [];
  const warnings: SpecProblem[] = [];
  const modules: ModuleSpec[] = [];

  const seenNames = new Map<string, number>();
  const duplicated = new Set<number>();
  for (const { index, name } of declared) {
    const earlier = seenNames.get(name);
    if (earlier === undefined) seenNames.set(name, index);
    else {
      duplicated.add(index);
      problems.push({
        path: at(index, "name"),
        message: `duplicate module name "${name}" (modules[${earlier}] has it too); give each module a unique name`,
      });
    }
  }

  const ofType = (type: DeclaredModule["type"]) => declared.filter((module) => module.type === type);
  const bases = ofType("base");
  const clusters = ofType("k8s-cluster");
  for (const extra of bases.slice(1)) {
    problems.push({
      path: at(extra.index, "type"),
      message: `only one base module is allowed (modules[${bases[0]!.index}] is one)`,
    });
  }
  for (const extra of clusters.slice(1)) {
    problems.push({
      path: at(extra.index, "type"),
      message: `only one k8s-cluster module is allowed (modules[${clusters[0]!.index}] is one)`,
    });
  }
  if (bases.length === 0) {
    for (const { index, type } of declared) {
      problems.push({
        path: at(index, "type"),
        message: `a ${type} module needs a base module (its network and Key Vault); add "- type: base" to modules`,
      });
    }
  }
  const hasCluster = clusters.length > 0;
  problems.push(...ingressStructureProblems(declared));

  let network: NetworkFields | undefined;
  const placements = new Map<string, number>();
  for (const module of parsed) {
    const { index, input } = module;
    const name = input.name ?? input.type;
    switch (input.type) {
      case "base": {
        // Opta's names, when given, stand for this spec's keys (opta-keys.ts; both at once is refused).
        const vnet_cidr = input.private_ipv4_cidr_block ?? input.vnet_cidr;
        const given = {
          nodes_subnet_cidr: input.subnet_ipv4_cidr_block ?? input.nodes_subnet_cidr,
          private_endpoints_subnet_cidr: input.private_endpoints_subnet_cidr,
          postgres_subnet_cidr: input.postgres_subnet_cidr,
        };
        const missing = SUBNET_KEYS.filter((key) => given[key] === undefined);
        const layout = defaultSubnetLayout(vnet_cidr, given);
        if (missing.length > 0 && !layout) {
          problems.push({
            path: at(index, "vnet_cidr"),
            message: `a VNet smaller than /20 leaves no room for the default subnets; set ${missing.join(", ")} explicitly`,
          });
        }
        const unplaced = layout ? missing.filter((key) => layout[key] === undefined) : [];
        if (unplaced.length > 0) {
          problems.push({
            path: at(index, "vnet_cidr"),
            message: `the given subnets leave no room in ${vnet_cidr} for ${unplaced.join(", ")}; set them explicitly`,
          });
        }
        const subnet = (key: (typeof SUBNET_KEYS)[number]): string => given[key] ?? layout?.[key] ?? "";
        const resolved = {
          type: "base",
          name,
          vnet_cidr,
          nodes_subnet_cidr: subnet("nodes_subnet_cidr"),
          private_endpoints_subnet_cidr: subnet("private_endpoints_subnet_cidr"),
          postgres_subnet_cidr: subnet("postgres_subnet_cidr"),
          container_registry: input.container_registry,
        } as const;
        warnings.push(...optaNetworkWarnings(index, input, resolved));
        if (module.index === bases[0]?.index) {
          network = {
            basePath: at(index),
            vnet_cidr: resolved.vnet_cidr,
            subnets: SUBNET_KEYS.filter((key) => resolved[key] !== "").map((key) => ({
              key,
              cidr: resolved[key],
            })),
          };
          problems.push(...checkSubnets(network));
        }
        modules.push(resolved);
        break;
      }
      case "k8s-cluster": {
        if (input.min_nodes > input.max_nodes) {
          problems.push({
            path: at(index, "max_nodes"),
            message: `must be at least min_nodes (${input.min_nodes}); it is ${input.max_nodes}`,
          });
        }
        const groups = input.admin_group_object_ids ?? [];
        if (groups.includes("")) {
          warnings.push({
            path: at(index, "admin_group_object_ids"),
            message:
              'an empty entry ("", as in Opta\'s examples) names no group and is ignored; list Entra ID group object ids to make those groups cluster admins',
          });
        }
        const admin_group_object_ids = groups
          .filter((id) => id !== "")
          .map((id) => id.toLowerCase())
          .sort();
        modules.push({ ...input, name, admin_group_object_ids });
        break;
      }
      case "postgres": {
        const tier = KNOWN_POSTGRES_SKUS[input.sku_name]!;
        if (input.high_availability && tier === "Burstable") {
          problems.push({
            path: at(index, "high_availability"),
            message: `zone-redundant high availability needs a GeneralPurpose or MemoryOptimized sku_name; ${input.sku_name} is Burstable`,
          });
        }
        needsWorkloadIdentity(index, "postgres", input.auth);
        const facts = secretFactsOf({ type: "postgres", auth: input.auth });
        const kubernetes_secret = placeSecret(index, name, "postgres", input.kubernetes_secret, facts);
        modules.push({ ...input, name, sku_tier: tier, kubernetes_secret });
        break;
      }
      case "redis": {
        const redis = resolveRedisModule(at(index), input, module.given);
        problems.push(...redis.problems);
        warnings.push(...redis.warnings);
        if (input.engine !== CACHE_FOR_REDIS_ENGINE) needsWorkloadIdentity(index, "redis", input.auth);
        const facts = secretFactsOf({ type: "redis", auth: input.auth });
        const kubernetes_secret = placeSecret(index, name, "redis", input.kubernetes_secret, facts);
        modules.push({ type: "redis", name, ...redis.fields, kubernetes_secret });
        break;
      }
      case "k8s-base": {
        const resolved = resolveIngress(index, name, input);
        warnings.push(...resolved.warnings);
        modules.push(resolved.module);
        break;
      }
      case "external-ssl-cert":
        modules.push(resolveCertificate(name, input));
        break;
      case "dns":
        modules.push(resolveDns(name, input));
        break;
      case "storage":
        modules.push({ ...input, name });
        break;
    }
  }
  const parsedOf = (type: "external-ssl-cert" | "dns") => {
    const found = parsed.find((module) => module.input.type === type);
    return found && "domain" in found.input ? { index: found.index, domain: found.input.domain } : undefined;
  };
  warnings.push(...certificateZoneWarnings(parsedOf("external-ssl-cert"), parsedOf("dns")));

  const parsedCluster = parsed.find((module) => module.index === clusters[0]?.index);
  const cluster = parsedCluster?.input as ClusterModuleInput | undefined;
  const parsedIngress = parsed.find((module) => module.input.type === "k8s-base");
  if (parsedIngress?.input.type === "k8s-base") {
    const mesh = meshRevisionFindings(
      { index: parsedIngress.index, ...parsedIngress.input },
      cluster && { index: clusters[0]!.index, kubernetes_version: cluster.kubernetes_version },
    );
    problems.push(...mesh.problems);
    warnings.push(...mesh.warnings);
  }
  if (cluster) {
    problems.push(
      ...checkClusterNetwork(
        {
          clusterPath: at(clusters[0]!.index),
          service_cidr: cluster.service_cidr,
          pod_cidr: cluster.pod_cidr,
          dns_service_ip: cluster.dns_service_ip,
        },
        network,
      ),
    );
  }
  if (network) {
    const sizing = cluster ? { path: at(clusters[0]!.index), max_nodes: cluster.max_nodes } : undefined;
    problems.push(...checkSubnetSizes(network, sizing));
  }
  return { modules, problems, warnings };

  function placeSecret(
    index: number,
    moduleName: string,
    type: keyof typeof OPTA_SECRET_FACTS,
    asked:
      | boolean
      | {
          namespace?: string | undefined;
          name?: string | undefined;
          keys?: Record<string, string | undefined> | undefined;
        }
      | undefined,
    facts: readonly string[],
  ): KubernetesSecretPlacement | false {
    if (asked === false) return false;
    if (!hasCluster) {
      if (asked !== undefined) {
        problems.push({
          path: at(index, "kubernetes_secret"),
          message:
            "there is no k8s-cluster module to put the secret in; add one, or remove kubernetes_secret",
        });
      }
      return false;
    }
    const options = asked === true || asked === undefined ? {} : asked;
    const renamed = Object.fromEntries(
      Object.entries(options.keys ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    checkSecretKeys(index, moduleName, type, renamed, facts);
    const placement = {
      namespace: options.namespace ?? defaultSecretNamespace(environmentName),
      name: options.name ?? defaultSecretName(moduleName),
      ...(Object.keys(renamed).length > 0 ? { keys: renamed } : {}),
    };
    const key = `${placement.namespace}/${placement.name}`;
    const earlier = placements.get(key);
    if (earlier === undefined) placements.set(key, index);
    // A duplicate module name already explains a clash of default Secret names.
    else if (!duplicated.has(index))
      problems.push({
        path: at(index, "kubernetes_secret"),
        message: `modules[${earlier}] already writes the Kubernetes Secret ${key}; choose another name`,
      });
    return placement;
  }

  /**
   * `auth: entra` makes the environment's workload identity a user of the server or cache; that identity
   * exists only with a cluster (lib/plan/workload-identity.ts).
   */
  function needsWorkloadIdentity(index: number, type: "postgres" | "redis", auth: string): void {
    if (auth !== "entra" || hasCluster) return;
    problems.push({
      path: at(index, "auth"),
      message: `entra makes the environment's workload identity a ${type === "postgres" ? "database" : "cache"} user, and that identity exists only with a k8s-cluster module; add one, or use auth: ${type === "postgres" ? "password" : "access-key"}`,
    });
  }

  /** Why a module does not write `fact` (a rename of it names nothing). */
  function notWritten(type: keyof typeof OPTA_SECRET_FACTS, fact: string): string {
    if (fact === ACCESS_KEY_FACT)
      return `a ${type} module with auth: entra has no ${ACCESS_KEY_FACT} (access keys are off)`;
    if (fact === PASSWORD_FACT)
      return `a ${type} module with auth: entra has no ${PASSWORD_FACT} (clients log in with Entra ID tokens)`;
    return `${fact} is written only with auth: entra`;
  }

  /**
   * Every fact of the Secret needs its own key, renamed or not (two facts under one key would hide one),
   * and only facts the module writes can be renamed (`facts`: a cache with Entra authentication has no
   * access key).
   */
  function checkSecretKeys(
    index: number,
    moduleName: string,
    type: keyof typeof OPTA_SECRET_FACTS,
    renamed: Readonly<Record<string, string>>,
    facts: readonly string[],
  ): void {
    for (const fact of Object.keys(renamed)) {
      // The schema admits every fact of the type; a module writes some of them, by its `auth`.
      if (!facts.includes(fact)) {
        problems.push({
          path: at(index, `kubernetes_secret.keys.${fact}`),
          message: `${notWritten(type, fact)}; remove this rename`,
        });
      }
    }
    const factOfKey = new Map<string, string>();
    for (const fact of facts) {
      const key = renamed[fact] ?? optaSecretKey(moduleName, fact);
      const other = factOfKey.get(key);
      if (other === undefined) factOfKey.set(key, fact);
      else
        problems.push({
          path: at(index, `kubernetes_secret.keys.${fact in renamed ? fact : other}`),
          message: `${key} is also the key of ${fact in renamed ? other : fact}; give each fact its own key`,
        });
    }
  }
}

/**
 * How Opta's network keys were read: Opta's azure-base had one VNet and one subnet for everything
 * (nodes, pods and private endpoints); here its subnet becomes the node subnet, the block the user sized
 * for the cluster, and the private endpoints and PostgreSQL's delegated subnet, which Opta did not have,
 * take their own blocks in the rest of the VNet.
 */
function optaNetworkWarnings(
  index: number,
  input: BaseModuleInput,
  resolved: Pick<BaseModule, (typeof SUBNET_KEYS)[number] | "vnet_cidr">,
): SpecProblem[] {
  const warnings: SpecProblem[] = [];
  if (input.private_ipv4_cidr_block !== undefined) {
    warnings.push({
      path: at(index, "private_ipv4_cidr_block"),
      message: `Opta's name for the VNet's range: read as vnet_cidr (${resolved.vnet_cidr})`,
    });
  }
  if (input.subnet_ipv4_cidr_block !== undefined) {
    warnings.push({
      path: at(index, "subnet_ipv4_cidr_block"),
      message: `Opta's one subnet becomes the node subnet: read as nodes_subnet_cidr (${resolved.nodes_subnet_cidr}); private endpoints get private_endpoints_subnet_cidr (${resolved.private_endpoints_subnet_cidr}) and PostgreSQL gets its delegated postgres_subnet_cidr (${resolved.postgres_subnet_cidr}), outside it in the rest of the VNet`,
    });
  }
  return warnings;
}
