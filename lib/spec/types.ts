/**
 * The validated environment spec as everything behind the edge receives it: every default applied,
 * every module named, every Kubernetes secret placement resolved, all readonly. Produced only by
 * `validateSpec`.
 */
import type { JsonValue } from "../plan/types";
import type { PostgresTier } from "./azure-catalog";

/** Where a data module's Kubernetes Secret goes. */
export interface KubernetesSecretPlacement {
  readonly namespace: string;
  readonly name: string;
  /**
   * Keys renamed by the spec, by fact (`{ db_password: "DB_PASS" }`); facts not listed keep
   * `<module>_<fact>`. Absent when nothing is renamed.
   */
  readonly keys?: { readonly [fact: string]: string };
}

interface ModuleCommon {
  /** The module's name: its `name`, or its type when unnamed. Unique within the spec. */
  readonly name: string;
}

export interface BaseModule extends ModuleCommon {
  readonly type: "base";
  readonly vnet_cidr: string;
  readonly nodes_subnet_cidr: string;
  readonly private_endpoints_subnet_cidr: string;
  readonly postgres_subnet_cidr: string;
  /**
   * A private container registry in the environment. Records written before the key existed lack it:
   * readers treat a missing value as `false`, what those environments were built with.
   */
  readonly container_registry: boolean;
}

export interface ClusterModule extends ModuleCommon {
  readonly type: "k8s-cluster";
  readonly kubernetes_version: string;
  readonly min_nodes: number;
  readonly max_nodes: number;
  readonly node_instance_type: string;
  /** GiB. */
  readonly node_disk_size: number;
  readonly zones: readonly string[];
  readonly service_cidr: string;
  readonly dns_service_ip: string;
  readonly pod_cidr: string;
  readonly authorized_ip_ranges: readonly string[];
  /**
   * Entra ID groups made cluster admins, lower-case and sorted; empty for none. Records written before the
   * key existed lack it: readers treat a missing list as empty.
   */
  readonly admin_group_object_ids: readonly string[];
}

export interface PostgresModule extends ModuleCommon {
  readonly type: "postgres";
  readonly engine_version: string;
  readonly sku_name: string;
  /** Derived from `sku_name`. */
  readonly sku_tier: PostgresTier;
  /** GiB. */
  readonly storage_gb: number;
  readonly backup_retention_days: number;
  readonly geo_redundant_backup: boolean;
  readonly high_availability: boolean;
  readonly database: string;
  /**
   * How clients log in: `password` (a generated administrator login and password) or `entra` (the
   * environment's workload identity, with Microsoft Entra ID tokens; password authentication off).
   * Absent on records older than it: those servers use passwords.
   */
  readonly auth?: PostgresAuth;
  /** `false` when the spec has no cluster or asked for none. */
  readonly kubernetes_secret: KubernetesSecretPlacement | false;
}

/** How clients authenticate to a PostgreSQL server (see {@link PostgresModule.auth}). */
export type PostgresAuth = "password" | "entra";

/**
 * The Azure service that builds a `redis` module: Azure Managed Redis (`Microsoft.Cache/redisEnterprise`)
 * or the retiring Azure Cache for Redis (`Microsoft.Cache/redis`).
 */
export type RedisEngine = "azure-managed-redis" | "azure-cache-for-redis";

/**
 * How clients authenticate to a cache: with its access key (`access-key`), or with Microsoft Entra ID
 * tokens, access keys off (`entra`; Azure Managed Redis only).
 */
export type RedisAuth = "access-key" | "entra";

export interface RedisModule extends ModuleCommon {
  readonly type: "redis";
  /**
   * Records written before engines existed lack it: their caches were built with
   * `azure-cache-for-redis` (see `pinned-engines.ts`).
   */
  readonly engine: RedisEngine;
  /** An Azure Cache for Redis tier (`Basic`, `Standard`, `Premium`) or an Azure Managed Redis SKU (`Balanced_B3`). */
  readonly sku_name: string;
  /** With a tier only: its family (`C`, `P`). */
  readonly family?: "C" | "P";
  /** With a tier only: its size (C0–C6, P1–P5). */
  readonly capacity?: number;
  /** Azure Managed Redis only: replicas across the region's zones. */
  readonly high_availability?: boolean;
  /** Records written before the key existed lack it: `access-key`. */
  readonly auth: RedisAuth;
  /**
   * Azure Managed Redis only, derived (never pinned): the SKU built — `sku_name` itself, or Microsoft's
   * equivalent of the tier, family and capacity.
   */
  readonly managed_redis_sku?: string;
  readonly kubernetes_secret: KubernetesSecretPlacement | false;
}

/**
 * `k8s-base`: the environment's public entry (the application routing add-on's NGINX on a static IP) and
 * its service mesh (the Istio add-on, strict mutual TLS in the environment's namespace).
 */
export interface IngressModule extends ModuleCommon {
  readonly type: "k8s-base";
  /** Maps to the ingress controller's replica bounds (`NGINX_SCALING` in defaults.ts). */
  readonly nginx_high_availability: boolean;
  /** Opta's name, kept: whether the service mesh runs. */
  readonly linkerd_enabled: boolean;
  /** The Istio add-on revision (`asm-1-28`), also the namespace's `istio.io/rev` label. */
  readonly istio_revision: string;
}

/** `external-ssl-cert`: the ingress's default TLS certificate, kept in Key Vault. */
export interface CertificateModule extends ModuleCommon {
  readonly type: "external-ssl-cert";
  /** The domain the certificate must cover (`example.com`, `*.example.com`). */
  readonly domain: string;
  /**
   * A certificate already kept in Key Vault, by its id (`https://<vault>.vault.azure.net/certificates/<name>`);
   * absent: the certificate is uploaded to the environment's vault under the module's name.
   */
  readonly key_vault_certificate_id?: string;
}

/** `dns`: an Azure DNS public zone pointing at the ingress. */
export interface DnsModule extends ModuleCommon {
  readonly type: "dns";
  /** The zone's name, e.g. `example.com`. */
  readonly domain: string;
  /** Whether the registrar already delegates the domain to the zone's name servers. */
  readonly delegated: boolean;
  /** Names of the A records to the ingress address, relative to the zone (`@`, `*`, `www`). */
  readonly a_records: readonly string[];
}

/** `storage`: a private StorageV2 account with blob containers, reached with Entra ID only. */
export interface StorageModule extends ModuleCommon {
  readonly type: "storage";
  /** Blob container names. */
  readonly containers: readonly string[];
  /** The account's redundancy, e.g. `Standard_ZRS`. */
  readonly sku: string;
  /** Blob versioning on. */
  readonly versioning: boolean;
  /** Days deleted blobs and containers are kept restorable (1–365). */
  readonly soft_delete_days: number;
}

export type ModuleSpec =
  | BaseModule
  | ClusterModule
  | PostgresModule
  | RedisModule
  | IngressModule
  | CertificateModule
  | DnsModule
  | StorageModule;
export type DataModule = PostgresModule | RedisModule;

/** A validated, fully defaulted environment spec. */
export interface EnvironmentSpec {
  readonly name: string;
  readonly org_name: string;
  readonly providers: {
    readonly azurerm: {
      readonly location: string;
      readonly tenant_id: string;
      readonly subscription_id: string;
    };
  };
  /** The modules this service builds, in spec order (ignored Opta modules are left out). */
  readonly modules: readonly ModuleSpec[];
  /**
   * Defaults that filled keys the spec left out, by module name then key. The plan pins them
   * (`plan.pinnedDefaults`).
   */
  readonly appliedDefaults: { readonly [moduleName: string]: { readonly [key: string]: JsonValue } };
}

/** One thing wrong with a spec, at a path such as `modules[1].max_nodes` (empty for the whole document). */
export interface SpecProblem {
  readonly path: string;
  readonly message: string;
}

/** The outcome of validating a spec. Warnings never stop a build. */
export type SpecValidation =
  | {
      readonly ok: true;
      readonly spec: EnvironmentSpec;
      readonly warnings: readonly SpecProblem[];
      /**
       * Where each module of `spec.modules` sits in the document, by module name (`{ db: "modules[2]" }`):
       * skipped Opta modules are left out of the spec, so positions may differ. Checks after validation
       * (preflight) report their problems at these paths.
       */
      readonly modulePaths?: Readonly<Record<string, string>>;
    }
  | {
      readonly ok: false;
      readonly problems: readonly SpecProblem[];
      readonly warnings: readonly SpecProblem[];
    };
