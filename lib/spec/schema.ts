/**
 * The environment spec's schema: the single source of truth for its shape, its static defaults (read
 * from `defaults.ts`) and its per-field rules. Keys are Opta's (snake_case). Rules that relate several
 * fields (CIDR containment, duplicate names, …) live in `network-checks.ts` and `resolve-modules.ts`; all report through the same
 * problem list.
 */
import { z } from "zod";
import {
  KNOWN_LOCATIONS,
  KNOWN_NODE_VM_SIZES,
  KNOWN_POSTGRES_SKUS,
  MANAGED_REDIS_SKUS,
  POSTGRES_STORAGE_SIZES_GIB,
  REDIS_SKUS,
  SUPPORTED_KUBERNETES_MINORS,
  SUPPORTED_POSTGRES_VERSIONS,
} from "./azure-catalog";
import { parseCidr } from "./cidr";
import {
  CASE_INSENSITIVE_VALUES,
  kubernetesVersionReplacement,
  postgresVersionReplacement,
  sameIgnoringCase,
  singleServerSkuMessage,
  singleServerSkuReplacement,
} from "./replacements";
import { moduleName } from "./module-name";
import { quote, shortText } from "./quote";
import { KUBERNETES_SECRET_KEY, KUBERNETES_SECRET_KEY_MAX_LENGTH, SECRET_FACTS } from "./secret-keys";
import {
  BASE_DEFAULTS,
  CLUSTER_DEFAULTS,
  POSTGRES_DEFAULTS,
  REDIS_DEFAULTS,
  STORAGE_DEFAULTS,
} from "./defaults";
import { certificateModuleSchema, dnsModuleSchema, ingressModuleSchema } from "./ingress-schema";

/** The module types this service builds. */
export const MODULE_TYPES = [
  "base",
  "k8s-cluster",
  "postgres",
  "redis",
  "k8s-base",
  "external-ssl-cert",
  "dns",
  "storage",
] as const;
export type ModuleType = (typeof MODULE_TYPES)[number];

/** An environment's `name`: 1–20 of a-z, 0-9 and `-`, starting with a letter, not ending with `-`. */
const ENVIRONMENT_NAME = /^[a-z]([-a-z0-9]{0,18}[a-z0-9])?$/;
/** An `org_name`: 1–15 of a-z, 0-9 and `-` (Opta's rule). */
const ORG_NAME = /^[a-z0-9-]{1,15}$/;

/**
 * Whether `id` can name an environment (`<org_name>-<name>`): ids arrive in URLs, and one that no spec
 * can produce is refused before it reaches storage, whose keys refuse `/`, `\`, `#` and `?`.
 */
export function isEnvironmentId(id: string): boolean {
  for (let dash = id.indexOf("-"); dash > 0; dash = id.indexOf("-", dash + 1)) {
    if (ORG_NAME.test(id.slice(0, dash)) && ENVIRONMENT_NAME.test(id.slice(dash + 1))) return true;
  }
  return false;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function listed(values: readonly string[], max = 8): string {
  return values.length <= max ? values.join(", ") : `${values.slice(0, max).join(", ")}, …`;
}

/** A CIDR such as `10.0.0.0/16`, with the network address as suggestion when host bits are set. */
const cidr = z.string().superRefine((text, ctx) => {
  const parsed = parseCidr(text);
  if (parsed.ok) return;
  ctx.addIssue({
    code: "custom",
    message:
      parsed.problem.kind === "host-bits"
        ? `${quote(text)} has host bits set; write the network address ${parsed.problem.suggestion}`
        : `${quote(text)} is not an IPv4 CIDR such as 10.0.0.0/16`,
  });
});

/** A CIDR or a single address (AKS authorized IP ranges accept both). */
const cidrOrAddress = z
  .string()
  .transform((text) => (text.includes("/") ? text : `${text}/32`))
  .pipe(cidr);

/** Numbers written without quotes in YAML become strings, since Azure takes these as strings. */
const numberAsString = (schema: z.ZodType<string>) =>
  z.preprocess((value) => (typeof value === "number" ? String(value) : value), schema);

/** A Kubernetes Secret data key a fact is renamed to. */
const secretKey = z
  .string()
  .max(KUBERNETES_SECRET_KEY_MAX_LENGTH, {
    error: `must be at most ${KUBERNETES_SECRET_KEY_MAX_LENGTH} characters`,
  })
  .regex(KUBERNETES_SECRET_KEY, {
    error: "must be a Kubernetes Secret key: letters, digits, hyphens, underscores and dots",
  });

/**
 * Where a data module's connection facts go in Kubernetes; `false` for nowhere. `keys` renames facts
 * (`facts` are the module type's), as Opta's `links` renames did.
 */
const kubernetesSecret = (facts: readonly string[]) =>
  z.union(
    [
      z.boolean(),
      z.strictObject({
        namespace: z
          .string()
          .max(63, { error: "must be at most 63 characters (a Kubernetes namespace)" })
          .regex(DNS_LABEL, {
            error: "must be a Kubernetes namespace: lower-case letters, digits and hyphens",
          })
          .optional(),
        name: z
          .string()
          .max(253, { error: "must be at most 253 characters" })
          .regex(DNS_SUBDOMAIN, {
            error: "must be a Kubernetes Secret name: lower-case letters, digits, hyphens and dots",
          })
          .optional(),
        keys: z
          .strictObject(Object.fromEntries(facts.map((fact) => [fact, secretKey.optional()])))
          .optional(),
      }),
    ],
    { error: "must be true, false, or a mapping with namespace, name and/or keys" },
  );

/** `base`: the network and the environment's Key Vault. Subnet CIDRs default to a layout inside the VNet. */
export const baseModuleSchema = z.strictObject({
  type: z.literal("base"),
  name: moduleName.optional(),
  vnet_cidr: cidr.default(BASE_DEFAULTS.vnet_cidr),
  nodes_subnet_cidr: cidr.optional(),
  private_endpoints_subnet_cidr: cidr.optional(),
  postgres_subnet_cidr: cidr.optional(),
  // Opta's names (its azure-base module), accepted so Opta files validate as they are: read as vnet_cidr
  // and nodes_subnet_cidr (`opta-keys.ts`); a spec may not give both names of one value.
  private_ipv4_cidr_block: cidr.optional(),
  subnet_ipv4_cidr_block: cidr.optional(),
  // Opta's azure-base made a Premium registry; `false` leaves it out (docs/spec.md#base).
  container_registry: z.boolean().default(BASE_DEFAULTS.container_registry),
});

const kubernetesVersion = z
  .string({
    error: (issue) =>
      typeof issue.input === "number"
        ? `must be a quoted string such as "${CLUSTER_DEFAULTS.kubernetes_version}" (YAML reads an unquoted ${shortText(issue.input)} as a number)`
        : `must be a string such as "${CLUSTER_DEFAULTS.kubernetes_version}"`,
  })
  .superRefine((version, ctx) => {
    const match = /^(\d+\.\d+)(\.\d+)?$/.exec(version);
    if (!match) {
      ctx.addIssue({
        code: "custom",
        message: `${quote(version)} is not a Kubernetes version such as 1.35 or 1.35.2`,
      });
    } else if (!SUPPORTED_KUBERNETES_MINORS.includes(match[1]!)) {
      const replacement = kubernetesVersionReplacement(version);
      ctx.addIssue({
        code: "custom",
        message: replacement
          ? `Kubernetes ${match[1]} is outside AKS's support window; this service would use ${replacement}, a current minor (supported: ${listed(SUPPORTED_KUBERNETES_MINORS)})`
          : `Kubernetes ${match[1]} is outside AKS's support window; use one of ${listed(SUPPORTED_KUBERNETES_MINORS)}`,
      });
    }
  });

const zone = numberAsString(z.enum(["1", "2", "3"], { error: "must be an availability zone: 1, 2 or 3" }));

/** A node pool size: AKS allows 1–1000 nodes per pool. */
const nodeCount = z
  .number()
  .int({ error: "must be a whole number" })
  .min(1, { error: "must be at least 1" })
  .max(1000, { error: "must be at most 1000 (AKS's limit per node pool)" });

/**
 * Entra ID groups made cluster admins. Opta's Azure examples write `[""]` for "no group": an empty
 * string is accepted and read as none (with a warning, in `resolve-modules.ts`), every other entry must be
 * a group's object id.
 */
const adminGroupObjectIds = z
  .array(
    z.string().refine((id) => id === "" || GUID.test(id), {
      error: (issue) =>
        `${quote(issue.input)} is not an Entra ID group object id (a GUID such as 00000000-0000-0000-0000-000000000000)`,
    }),
  )
  .refine(
    (ids) => {
      const groups = ids.filter((id) => id !== "").map((id) => id.toLowerCase());
      return new Set(groups).size === groups.length;
    },
    { error: "must not repeat a group" },
  );

/** `k8s-cluster`: one AKS cluster with one autoscaling node pool spanning the zones. */
export const clusterModuleSchema = z.strictObject({
  type: z.literal("k8s-cluster"),
  name: moduleName.optional(),
  kubernetes_version: kubernetesVersion.default(CLUSTER_DEFAULTS.kubernetes_version),
  min_nodes: nodeCount.default(CLUSTER_DEFAULTS.min_nodes),
  max_nodes: nodeCount.default(CLUSTER_DEFAULTS.max_nodes),
  node_instance_type: z
    .string()
    .refine((size) => KNOWN_NODE_VM_SIZES.includes(size), {
      error: (issue) => {
        // AKS reads VM sizes case-sensitively (docs/azure-facts.md), so another casing is named, not fixed.
        const spelled = sameIgnoringCase(String(issue.input), KNOWN_NODE_VM_SIZES);
        return spelled
          ? `${quote(issue.input)} must be written ${spelled}: AKS reads VM sizes case-sensitively`
          : `unknown VM size ${quote(issue.input)}; use a size such as ${listed(["Standard_D4s_v5", "Standard_D8s_v5", "Standard_E4s_v5"])}`;
      },
    })
    .default(CLUSTER_DEFAULTS.node_instance_type),
  node_disk_size: z
    .number()
    .int({ error: "must be a whole number of GiB" })
    .min(30, { error: "must be at least 30 GiB" })
    .max(2048, { error: "must be at most 2048 GiB" })
    .default(CLUSTER_DEFAULTS.node_disk_size),
  zones: z
    .array(zone)
    .min(1, { error: "must list at least one zone" })
    .refine((zones) => new Set(zones).size === zones.length, { error: "must not repeat a zone" })
    .default([...CLUSTER_DEFAULTS.zones]),
  service_cidr: cidr.default(CLUSTER_DEFAULTS.service_cidr),
  dns_service_ip: z.string().default(CLUSTER_DEFAULTS.dns_service_ip),
  pod_cidr: cidr.default(CLUSTER_DEFAULTS.pod_cidr),
  authorized_ip_ranges: z.array(cidrOrAddress).default([...CLUSTER_DEFAULTS.authorized_ip_ranges]),
  admin_group_object_ids: adminGroupObjectIds.optional(),
});

/** How clients of a PostgreSQL server authenticate. */
export const POSTGRES_AUTH_MODES = ["password", "entra"] as const;

/** `postgres`: a PostgreSQL flexible server with private access and one database. */
export const postgresModuleSchema = z.strictObject({
  type: z.literal("postgres"),
  name: moduleName.optional(),
  engine_version: numberAsString(
    z.string().refine((version) => SUPPORTED_POSTGRES_VERSIONS.includes(version), {
      error: (issue) => {
        const replacement = postgresVersionReplacement(String(issue.input));
        return replacement
          ? `PostgreSQL ${shortText(issue.input)} is not offered for new flexible servers; this service would use ${replacement}, the current major (offered: ${listed(SUPPORTED_POSTGRES_VERSIONS)})`
          : `PostgreSQL ${shortText(issue.input)} is not offered for new flexible servers; use one of ${listed(SUPPORTED_POSTGRES_VERSIONS)}`;
      },
    }),
  ).default(POSTGRES_DEFAULTS.engine_version),
  sku_name: z
    .string()
    .refine((sku) => sku in KNOWN_POSTGRES_SKUS, {
      error: (issue) => {
        const written = String(issue.input);
        const replacement = singleServerSkuReplacement(written);
        if (replacement) return singleServerSkuMessage(written, replacement);
        // Whether flexible server reads SKU names in any case is not documented: name the spelling.
        const spelled = sameIgnoringCase(written, Object.keys(KNOWN_POSTGRES_SKUS));
        return spelled
          ? `${quote(issue.input)} must be written ${spelled}`
          : `unknown flexible server SKU ${quote(issue.input)}; use one such as Standard_B2s, Standard_D2ds_v5 or Standard_E4ds_v5`;
      },
    })
    .default(POSTGRES_DEFAULTS.sku_name),
  storage_gb: z
    .number()
    .refine((size) => POSTGRES_STORAGE_SIZES_GIB.includes(size), {
      error: `must be one of ${POSTGRES_STORAGE_SIZES_GIB.join(", ")} (GiB)`,
    })
    .default(POSTGRES_DEFAULTS.storage_gb),
  backup_retention_days: z
    .number()
    .int({ error: "must be a whole number of days" })
    .min(7, { error: "must be at least 7 days" })
    .max(35, { error: "must be at most 35 days" })
    .default(POSTGRES_DEFAULTS.backup_retention_days),
  geo_redundant_backup: z.boolean().default(POSTGRES_DEFAULTS.geo_redundant_backup),
  high_availability: z.boolean().default(POSTGRES_DEFAULTS.high_availability),
  database: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,62}$/, {
      error: "must be 1–63 letters, digits and underscores, not starting with a digit",
    })
    .default(POSTGRES_DEFAULTS.database),
  auth: z
    .enum(POSTGRES_AUTH_MODES, {
      error:
        "must be password (a generated administrator login and password) or entra (Microsoft Entra ID: the environment's workload identity logs in with a token, no password)",
    })
    .default(POSTGRES_DEFAULTS.auth),
  kubernetes_secret: kubernetesSecret(SECRET_FACTS.postgres).optional(),
});

const redisTiers = Object.keys(REDIS_SKUS) as (keyof typeof REDIS_SKUS)[];

/** The engines a `redis` module can be built with; the first is the default. */
export const REDIS_ENGINES = ["azure-managed-redis", "azure-cache-for-redis"] as const;

/** How clients of a cache authenticate. */
export const REDIS_AUTH_MODES = ["access-key", "entra"] as const;

/**
 * A value Azure reads in any case (CASE_INSENSITIVE_VALUES), rewritten into Azure's spelling so the plan
 * is the same whichever casing the spec used; validation warns about the rewrite.
 */
const azureSpelling = (known: readonly string[]) =>
  z.string().transform((value) => sameIgnoringCase(value, known) ?? value);

/**
 * A Redis size: an Azure Cache for Redis tier (Opta's `standard`, in any case) sized by `family` and
 * `capacity`, or an Azure Managed Redis SKU in Azure's spelling (`Balanced_B3`), which names its size.
 */
const redisSkuName = azureSpelling(CASE_INSENSITIVE_VALUES.redis!.sku_name!).pipe(
  z.string().refine((sku) => (redisTiers as string[]).includes(sku) || MANAGED_REDIS_SKUS.includes(sku), {
    error: (issue) => {
      const spelled = sameIgnoringCase(String(issue.input), MANAGED_REDIS_SKUS);
      return spelled
        ? `${quote(issue.input)} must be written ${spelled}`
        : `must be an Azure Cache for Redis tier (${redisTiers.join(", ")}) or an Azure Managed Redis SKU such as Balanced_B3, MemoryOptimized_M20 or ComputeOptimized_X5`;
    },
  }),
);

/**
 * `redis`: a cache with a private endpoint — Azure Managed Redis by default, or Azure Cache for Redis
 * (`engine: azure-cache-for-redis`) for tenants that may still create it. Rules between the keys (a tier
 * with its family and capacity, what each engine accepts) are in `redis-module.ts`.
 */
export const redisModuleSchema = z.strictObject({
  type: z.literal("redis"),
  name: moduleName.optional(),
  engine: z
    .enum(REDIS_ENGINES, {
      error: `must be ${REDIS_ENGINES[0]} (Azure Managed Redis, the default) or ${REDIS_ENGINES[1]} (Azure Cache for Redis, retiring)`,
    })
    .default(REDIS_DEFAULTS.engine),
  // Opta wrote the tier in lower case (`standard`); Azure's spelling is capitalised.
  sku_name: redisSkuName.default(REDIS_DEFAULTS.sku_name),
  family: azureSpelling(CASE_INSENSITIVE_VALUES.redis!.family!)
    .pipe(z.enum(["C", "P"], { error: "must be C (Basic, Standard) or P (Premium)" }))
    .optional(),
  capacity: z.number().int({ error: "must be a whole number" }).optional(),
  high_availability: z.boolean().optional(),
  auth: z
    .enum(REDIS_AUTH_MODES, {
      error: "must be access-key (the cache's access key) or entra (Microsoft Entra ID, access keys off)",
    })
    .default(REDIS_DEFAULTS.auth),
  kubernetes_secret: kubernetesSecret(SECRET_FACTS.redis).optional(),
});

/** The storage account redundancies a `storage` module may ask for (StorageV2, standard performance). */
export const STORAGE_SKUS = [
  "Standard_LRS",
  "Standard_ZRS",
  "Standard_GRS",
  "Standard_RAGRS",
  "Standard_GZRS",
  "Standard_RAGZRS",
] as const;

/** A blob container's name: 3–63 lower-case letters, digits and single hyphens, starting with a letter or digit. */
const containerName = z.string().regex(/^(?!.*--)[a-z0-9][-a-z0-9]{1,61}[a-z0-9]$/, {
  error:
    "must be a blob container name: 3–63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit",
});

/** `storage`: a private StorageV2 account (blob) with its containers, reached with Entra ID only. */
export const storageModuleSchema = z.strictObject({
  type: z.literal("storage"),
  name: moduleName.optional(),
  containers: z
    .array(containerName)
    .refine((names) => new Set(names).size === names.length, { error: "must not repeat a container" })
    .default([...STORAGE_DEFAULTS.containers]),
  sku: z
    .enum(STORAGE_SKUS, { error: `must be one of ${STORAGE_SKUS.join(", ")}` })
    .default(STORAGE_DEFAULTS.sku),
  versioning: z.boolean().default(STORAGE_DEFAULTS.versioning),
  soft_delete_days: z
    .number()
    .int({ error: "must be a whole number of days" })
    .min(1, { error: "must be at least 1 day" })
    .max(365, { error: "must be at most 365 days" })
    .default(STORAGE_DEFAULTS.soft_delete_days),
});

/** Schema of each built module type. */
export const MODULE_SCHEMAS = {
  base: baseModuleSchema,
  "k8s-cluster": clusterModuleSchema,
  postgres: postgresModuleSchema,
  redis: redisModuleSchema,
  "k8s-base": ingressModuleSchema,
  "external-ssl-cert": certificateModuleSchema,
  dns: dnsModuleSchema,
  storage: storageModuleSchema,
} as const;

/** The document around the modules; modules are checked one by one against {@link MODULE_SCHEMAS}. */
export const specEnvelopeSchema = z.strictObject({
  name: z.string().regex(ENVIRONMENT_NAME, {
    error:
      "must be 1–20 characters of lower-case letters, digits and hyphens, start with a letter and not end with a hyphen",
  }),
  org_name: z.string().regex(ORG_NAME, {
    error: "must be 1–15 characters of lower-case letters, digits and hyphens (Opta's rule)",
  }),
  providers: z.strictObject({
    azurerm: z.strictObject({
      location: z.string().refine((location) => KNOWN_LOCATIONS.includes(location), {
        error: (issue) =>
          `unknown Azure location ${quote(issue.input)}; use a region name such as eastus2, westeurope or uksouth`,
      }),
      tenant_id: z
        .string()
        .regex(GUID, { error: "must be a GUID such as 00000000-0000-0000-0000-000000000000" }),
      subscription_id: z
        .string()
        .regex(GUID, { error: "must be a GUID such as 00000000-0000-0000-0000-000000000000" }),
    }),
  }),
  modules: z.array(z.unknown()).min(1, { error: "must list at least a base module" }),
});

/** Module values as the schemas output them: static defaults applied, derived ones not yet. */
export type BaseModuleInput = z.output<typeof baseModuleSchema>;
export type ClusterModuleInput = z.output<typeof clusterModuleSchema>;
export type PostgresModuleInput = z.output<typeof postgresModuleSchema>;
export type RedisModuleInput = z.output<typeof redisModuleSchema>;
export type StorageModuleInput = z.output<typeof storageModuleSchema>;
