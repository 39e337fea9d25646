/**
 * What Azure offers and what is left of it, for the resources the plan creates or changes: global names
 * still free (a soft-deleted vault of our own is recovered), the Kubernetes version and the node VM size in
 * the region and zones asked for, the vCPU and public IP quotas, and the PostgreSQL SKU, version, storage
 * and redundancy in the region. A resource that exists and does not change is not checked again: what
 * Azure offers new resources no longer concerns it.
 */
import type { NodeKind, PlanNode } from "../plan/types";
import type { NameAvailability, PreflightReads, Usage } from "./azure-reads";
import { desiredNumber, desiredString, nodesOf, pathOf, touches, type PreflightContext } from "./context";

/** How preflight asks about one kind's global name, and how a refusal words it. */
interface GlobalName {
  /** The resource, for messages ("container registry"). */
  readonly what: string;
  /** `environment`: one per environment, named from org_name and name; `module`: one per module, named from its name too. */
  readonly owner: "environment" | "module";
  readonly ask: (reads: PreflightReads, name: string, location: string) => Promise<NameAvailability>;
}

/**
 * The kinds whose names are global DNS names, each with Azure's check (docs/azure-facts.md#preflight).
 * Azure Managed Redis (`managedRedisCluster`) has no name check: its create refuses a taken name.
 */
const GLOBAL_NAMES: Readonly<Partial<Record<NodeKind, GlobalName>>> = {
  keyVault: { what: "Key Vault", owner: "environment", ask: (reads, name) => reads.vaultName(name) },
  containerRegistry: {
    what: "container registry",
    owner: "environment",
    ask: (reads, name) => reads.registryName(name),
  },
  postgresFlexibleServer: {
    what: "PostgreSQL server",
    owner: "module",
    ask: (reads, name, location) => reads.postgresName(name, location),
  },
  redisCache: { what: "Redis cache", owner: "module", ask: (reads, name) => reads.redisName(name) },
  storageAccount: {
    what: "storage account",
    owner: "module",
    ask: (reads, name) => reads.storageAccountName(name),
  },
};

/**
 * Global names are free, or ours. Only resources to create are asked about — one request per name: a
 * resource of the plan that exists (the plan preview read it in the environment's resource group) holds
 * its own name, so a re-apply asks nothing. A soft-deleted vault of this subscription is ours too: the
 * build recovers it (a warning, no name check).
 */
export async function checkNames(context: PreflightContext): Promise<void> {
  const { findings, reads, plan } = context;
  const created = plan.nodes.filter(
    (node) => GLOBAL_NAMES[node.kind] !== undefined && context.changeOf(node.key).change === "create",
  );
  await Promise.all(
    created.map((node) =>
      findings.guard(
        "names",
        pathOf(context, node),
        `the availability of the name ${node.name}`,
        async () => {
          const kind = GLOBAL_NAMES[node.kind]!;
          const location = desiredString(node, "location") ?? plan.location;
          if (node.kind === "keyVault") {
            const deleted = await reads.deletedVault(node.name, location);
            if (deleted) {
              const purge = deleted.scheduledPurgeDate
                ? ` (purged on ${deleted.scheduledPurgeDate.toISOString().slice(0, 10)})`
                : "";
              findings.warn(
                "names",
                "SoftDeletedVaultRecovered",
                pathOf(context, node),
                `Key Vault ${node.name} was deleted from this subscription and is soft-deleted${purge}: the build recovers it with its secrets instead of creating it`,
              );
              return;
            }
          }
          const answer = await kind.ask(reads, node.name, location);
          if (answer.available) return;
          findings.refuse(
            "names",
            "NameUnavailable",
            pathOf(context, node),
            nameTakenMessage(context, node, kind, answer),
          );
        },
      ),
    ),
  );
}

/** Which module, which name, Azure's reason and message, and what to change. */
function nameTakenMessage(
  context: PreflightContext,
  node: PlanNode,
  kind: GlobalName,
  answer: NameAvailability,
): string {
  const { spec } = context;
  const held =
    node.kind === "keyVault"
      ? "by another vault, or a soft-deleted vault, outside this environment (another resource group, subscription or tenant)"
      : "by another resource outside this environment (another resource group, subscription or tenant)";
  const azure = `${answer.code ?? "NameUnavailable"}${answer.message ? `: ${answer.message}` : ""}`;
  const change =
    kind.owner === "module"
      ? `rename module ${node.module}, or change the environment's name (${spec.name}) or org_name (${spec.org_name})`
      : `change the environment's name (${spec.name}) or org_name (${spec.org_name})`;
  return `module ${node.module}: the ${kind.what} name ${node.name} is taken ${held} (${azure}); nothing was written. It is a global DNS name derived from the ${kind.owner === "module" ? "module's name, the environment's name and org_name" : "environment's name and org_name"} (the spec has no name override): ${change}`;
}

/** The cluster's node pool as planned. */
function poolOf(node: PlanNode) {
  return {
    version: desiredString(node, "kubernetesVersion") ?? "",
    vmSize: desiredString(node, "agentPoolProfiles.0.vmSize") ?? "",
    zones: (
      (node.desired.agentPoolProfiles as { availabilityZones?: string[] }[] | undefined)?.[0]
        ?.availabilityZones ?? []
    ).map(String),
    maxNodes: desiredNumber(node, "agentPoolProfiles.0.maxCount") ?? 0,
    location: desiredString(node, "location") ?? "",
  };
}

/** The Kubernetes version is offered in the region, under the standard support plan the cluster's tier has. */
export async function checkKubernetesVersion(context: PreflightContext): Promise<void> {
  const { findings, reads } = context;
  for (const node of nodesOf(context.plan, "managedCluster")) {
    const view = context.changeOf(node.key);
    if (view.change !== "create" && !touches(view, "kubernetesVersion")) continue;
    const { version, location } = poolOf(node);
    const path = pathOf(context, node, "kubernetes_version");
    await findings.guard("kubernetesVersion", path, `the Kubernetes versions of ${location}`, async () => {
      const offered = await reads.kubernetesVersions(location);
      const minor = version.split(".").slice(0, 2).join(".");
      const entry = offered.find((v) => v.version === minor);
      const list = offered
        .map((v) => v.version)
        .filter(Boolean)
        .join(", ");
      if (!entry || (version !== minor && !(version in (entry.patchVersions ?? {})))) {
        const patches = entry ? ` (patches: ${Object.keys(entry.patchVersions ?? {}).join(", ")})` : "";
        findings.refuse(
          "kubernetesVersion",
          "KubernetesVersionNotOffered",
          path,
          `AKS does not offer Kubernetes ${version} in ${location}${patches}; offered there: ${list}`,
        );
        return;
      }
      const plans = entry.capabilities?.supportPlan ?? ["KubernetesOfficial"];
      if (!plans.includes("KubernetesOfficial")) {
        findings.refuse(
          "kubernetesVersion",
          "KubernetesVersionLongTermSupportOnly",
          path,
          `Kubernetes ${minor} is offered in ${location} only with long-term support, which needs AKS's Premium tier; this cluster is Standard: choose one of ${list}`,
        );
      } else if (entry.isPreview) {
        findings.warn(
          "kubernetesVersion",
          "KubernetesVersionPreview",
          path,
          `Kubernetes ${minor} is a preview in ${location}`,
        );
      }
    });
  }
}

/**
 * The node VM size is offered to the subscription in the region and in every zone asked for, and the
 * region's vCPU quota (its family's and the regional total) covers `max_nodes` × its vCPUs.
 */
export async function checkClusterCapacity(context: PreflightContext): Promise<void> {
  const { findings, reads } = context;
  for (const node of nodesOf(context.plan, "managedCluster")) {
    const view = context.changeOf(node.key);
    const pool = poolOf(node);
    const live = context.liveOf(node.key) as { agentPoolProfiles?: { maxCount?: number }[] } | undefined;
    const liveMax = live?.agentPoolProfiles?.[0]?.maxCount ?? 0;
    const growth = view.change === "create" ? pool.maxNodes : Math.max(0, pool.maxNodes - liveMax);
    const checkSize = view.change === "create";
    if (!checkSize && growth === 0) continue;
    const sizePath = pathOf(context, node, "node_instance_type");
    await findings.guard("vmSize", sizePath, `the VM sizes offered in ${pool.location}`, async () => {
      const sku = await reads.vmSku(pool.location, pool.vmSize);
      if (!sku) {
        findings.refuse(
          "vmSize",
          "VmSizeNotOffered",
          sizePath,
          `${pool.vmSize} is not offered in ${pool.location}`,
        );
        return;
      }
      if (checkSize && !sizeIsOffered(context, node, sku, pool)) return;
      const vCPUs = Number(sku.capabilities?.find((c) => c.name === "vCPUs")?.value ?? 0);
      if (growth === 0 || vCPUs === 0 || !sku.family) return;
      const usages = await reads.computeUsages(pool.location);
      const demand = growth * vCPUs;
      for (const [name, label] of [
        [sku.family, `${sku.family} vCPUs`],
        ["cores", "total regional vCPUs"],
      ] as const) {
        const usage = usages.find((u) => u.name.toLowerCase() === name.toLowerCase());
        if (usage) {
          findings.claimQuota({
            usage: `${context.plan.subscriptionId}/${pool.location}/${name}`.toLowerCase(),
            label: `${label} in ${pool.location}`,
            demand,
            available: Math.max(0, usage.limit - usage.currentValue),
            path: pathOf(context, node, "max_nodes"),
          });
        }
        if (usage && usage.currentValue + demand > usage.limit) {
          findings.refuse(
            "quota",
            "QuotaExceeded",
            pathOf(context, node, "max_nodes"),
            `max_nodes ${pool.maxNodes} × ${vCPUs} vCPUs of ${pool.vmSize} needs ${demand} more ${label} in ${pool.location}; ${left(usage)} of the subscription's quota: lower max_nodes, choose another node_instance_type, or ask for a quota increase`,
          );
        }
      }
    });
  }
}

/** Refuses a size restricted in the region or in a zone asked for. @returns true when offered */
function sizeIsOffered(
  context: PreflightContext,
  node: PlanNode,
  sku: NonNullable<Awaited<ReturnType<PreflightContext["reads"]["vmSku"]>>>,
  pool: ReturnType<typeof poolOf>,
): boolean {
  const { findings } = context;
  const restrictions = sku.restrictions ?? [];
  const regionWide = restrictions.find((r) => r.type === "Location");
  if (regionWide) {
    findings.refuse(
      "vmSize",
      "VmSizeNotOffered",
      pathOf(context, node, "node_instance_type"),
      `${pool.vmSize} is not available to this subscription in ${pool.location} (${regionWide.reasonCode ?? "restricted"}); choose another size or region`,
    );
    return false;
  }
  const zonesHere = new Set((sku.locationInfo ?? []).flatMap((info) => info.zones ?? []));
  for (const restriction of restrictions.filter((r) => r.type === "Zone")) {
    for (const zone of restriction.restrictionInfo?.zones ?? []) zonesHere.delete(zone);
  }
  const missing = pool.zones.filter((zone) => !zonesHere.has(zone));
  if (missing.length > 0) {
    const offered = [...zonesHere].sort().join(", ") || "none";
    findings.refuse(
      "vmSize",
      "VmSizeNotOfferedInZones",
      pathOf(context, node, "zones"),
      `${pool.vmSize} is not offered to this subscription in zone${missing.length === 1 ? "" : "s"} ${missing.join(", ")} of ${pool.location} (zones offered: ${offered}); list only those zones, or choose another size`,
    );
    return false;
  }
  return true;
}

const left = (usage: Usage) =>
  `${Math.max(0, usage.limit - usage.currentValue)} of ${usage.limit} are left (${usage.currentValue} in use)`;

/** The region's public IP quota covers the addresses the plan creates. */
export async function checkPublicIpQuota(context: PreflightContext): Promise<void> {
  const { findings, reads } = context;
  const created = nodesOf(context.plan, "publicIpAddress").filter(
    (node) => context.changeOf(node.key).change === "create",
  );
  if (created.length === 0) return;
  const location = desiredString(created[0]!, "location") ?? context.plan.location;
  const path = pathOf(context, created[0]!);
  await findings.guard("quota", path, `the network usages of ${location}`, async () => {
    const usages = await reads.networkUsages(location);
    // The total and the Standard SKU's count (its usage name varies: docs/azure-facts.md#preflight).
    for (const usage of usages.filter((u) =>
      /^PublicIPAddresses$|StandardSkuPublicIpAddresses$/i.test(u.name),
    )) {
      findings.claimQuota({
        usage: `${context.plan.subscriptionId}/${location}/${usage.name}`.toLowerCase(),
        label: `public IP addresses (${usage.name}) in ${location}`,
        demand: created.length,
        available: Math.max(0, usage.limit - usage.currentValue),
        path,
      });
      if (usage.currentValue + created.length > usage.limit) {
        findings.refuse(
          "quota",
          "QuotaExceeded",
          path,
          `the environment needs ${created.length} more public IP address${created.length === 1 ? "" : "es"} (${usage.name}) in ${location}; ${left(usage)}: free some or ask for a quota increase`,
        );
      }
    }
  });
}

/** Each PostgreSQL server's SKU, version, storage size and redundancy are offered in its region. */
export async function checkPostgres(context: PreflightContext): Promise<void> {
  const { findings, reads } = context;
  for (const node of nodesOf(context.plan, "postgresFlexibleServer")) {
    const view = context.changeOf(node.key);
    const created = view.change === "create";
    const asks = (path: string) => created || touches(view, path);
    if (!["sku", "version", "storage", "highAvailability", "backup"].some(asks)) continue;
    const location = desiredString(node, "location") ?? context.plan.location;
    const sku = desiredString(node, "sku.name") ?? "";
    const tier = desiredString(node, "sku.tier") ?? "";
    const version = desiredString(node, "version") ?? "";
    const storageGb = desiredNumber(node, "storage.storageSizeGB") ?? 0;
    const highAvailability = desiredString(node, "highAvailability.mode") === "ZoneRedundant";
    const geoBackup = desiredString(node, "backup.geoRedundantBackup") === "Enabled";
    await findings.guard(
      "postgres",
      pathOf(context, node),
      `the PostgreSQL capabilities of ${location}`,
      async () => {
        const capability = await reads.postgresCapability(location);
        const refuse = (code: string, field: string, message: string) =>
          findings.refuse("postgres", code, pathOf(context, node, field), message);
        if (!capability || capability.restricted === "Enabled") {
          refuse(
            "PostgresNotOffered",
            "sku_name",
            `PostgreSQL flexible server is not offered to this subscription in ${location}`,
          );
          return;
        }
        const edition = capability.supportedServerEditions?.find((e) => e.name === tier);
        const offer = edition?.supportedServerSkus?.find((s) => s.name === sku && s.status !== "Disabled");
        if (asks("sku") && !offer) {
          const offered = (edition?.supportedServerSkus ?? [])
            .map((s) => s.name)
            .slice(0, 8)
            .join(", ");
          refuse(
            "PostgresSkuNotOffered",
            "sku_name",
            `${sku} (${tier}) is not offered in ${location}${offered ? `; offered there: ${offered}, …` : ""}`,
          );
        }
        const versions = (capability.supportedServerVersions ?? []).map((v) => v.name ?? "");
        if (asks("version") && !versions.includes(version)) {
          refuse(
            "PostgresVersionNotOffered",
            "engine_version",
            `PostgreSQL ${version} is not offered to new servers in ${location}; offered there: ${versions.join(", ")}`,
          );
        }
        const storageMb = storageGb * 1024;
        const sizes = (edition?.supportedStorageEditions ?? []).flatMap((s) => s.supportedStorageMb ?? []);
        if (
          asks("storage") &&
          edition &&
          sizes.length > 0 &&
          !sizes.some((s) => s.storageSizeMb === storageMb)
        ) {
          refuse(
            "PostgresStorageNotOffered",
            "storage_gb",
            `${storageGb} GiB of storage is not offered for ${tier} in ${location}`,
          );
        }
        if (highAvailability && asks("highAvailability")) {
          if (
            capability.zoneRedundantHaSupported !== "Enabled" ||
            (offer && !(offer.supportedHaMode ?? []).includes("ZoneRedundant"))
          ) {
            refuse(
              "PostgresHighAvailabilityNotOffered",
              "high_availability",
              `zone-redundant high availability is not offered for ${sku} in ${location}; set high_availability: false or choose a region with availability zones`,
            );
          } else if (geoBackup && capability.zoneRedundantHaAndGeoBackupSupported === "Disabled") {
            refuse(
              "PostgresHighAvailabilityNotOffered",
              "geo_redundant_backup",
              `${location} does not offer zone-redundant high availability together with geo-redundant backups; turn one of them off`,
            );
          }
        }
        if (geoBackup && asks("backup") && capability.geoBackupSupported === "Disabled") {
          refuse(
            "GeoRedundantBackupNotOffered",
            "geo_redundant_backup",
            `geo-redundant backups are not offered in ${location}; set geo_redundant_backup: false`,
          );
        }
      },
    );
  }
}

/**
 * Each Azure Managed Redis cluster to create is offered in its region: the region is among the locations
 * `Microsoft.Cache` lists for `redisEnterprise` to this subscription (the provider read preflight makes
 * anyway). Azure publishes no name-availability check for Managed Redis and no list of the SKUs a region
 * offers before a cluster exists (`listSkusForScaling` needs one): those stay the create's to refuse
 * (docs/azure-facts.md#preflight).
 */
export async function checkManagedRedis(context: PreflightContext): Promise<void> {
  const { findings, reads } = context;
  const created = nodesOf(context.plan, "managedRedisCluster").filter(
    (node) => context.changeOf(node.key).change === "create",
  );
  for (const node of created) {
    const location = (desiredString(node, "location") ?? context.plan.location).toLowerCase();
    const path = pathOf(context, node);
    await findings.guard("managedRedis", path, "the regions of Azure Managed Redis", async () => {
      const offered = await reads.resourceTypeLocations("Microsoft.Cache", "redisEnterprise");
      if (offered === undefined || offered.includes(location)) return;
      findings.refuse(
        "managedRedis",
        "ManagedRedisNotOffered",
        path,
        `Azure Managed Redis (Microsoft.Cache/redisEnterprise) is not offered to this subscription in ${location}${offered.length > 0 ? ` (offered in ${offered.slice(0, 12).join(", ")}${offered.length > 12 ? ", …" : ""})` : ""}: choose another region, or engine: azure-cache-for-redis`,
      );
    });
  }
}
