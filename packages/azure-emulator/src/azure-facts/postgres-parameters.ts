/**
 * PostgreSQL flexible server facts the emulator answers with: the server parameters every server has
 * (a subset; each with the metadata `Configurations_Get` answers), the defaults a new server reports,
 * and how its storage size maps to a disk tier.
 *
 * - Every server parameter exists from the server's creation; reading one never set answers its default
 *   with `source: system-default` ("Server parameters in Azure Database for PostgreSQL",
 *   https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-server-parameters). Descriptions,
 *   types and allowed values are PostgreSQL's (https://www.postgresql.org/docs/17/runtime-config.html)
 *   as the service lists them; parameters not in this table are accepted and answered without metadata.
 * - `max_connections` defaults by memory: 50 on B1ms, then about 859 per 8 GiB up to 5,000 ("Limits in
 *   Azure Database for PostgreSQL flexible server — maximum connections",
 *   https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-limits).
 * - A new server is a primary with room for 5 read replicas ("Read replicas", concepts-read-replicas),
 *   data encrypted with system-managed keys (concepts-data-encryption), the system-managed maintenance
 *   window, password authentication on and Microsoft Entra off unless asked (concepts-authentication).
 * - Storage size → Premium SSD tier and baseline IOPS: P4 32 GiB 120, P6 64 GiB 240, P10 128 GiB 500,
 *   P15 256 GiB 1100, P20 512 GiB 2300, P30 1 TiB 5000, P40 2 TiB 7500, P50 4 TiB 7500, P60 8 TiB
 *   16000, P70 16 TiB 18000, P80 32 TiB 20000 ("Storage options", concepts-storage).
 * - The minor version reported per major is **Unconfirmed** (Azure rolls it forward).
 */

/** One server parameter's metadata. */
export interface ServerParameter {
  readonly description: string;
  readonly dataType: "Boolean" | "Numeric" | "Integer" | "Enumeration" | "String" | "Set";
  /** The default for a server of `sku`. */
  readonly defaultValue: (sku: string) => string;
  readonly allowedValues: string;
  readonly isDynamicConfig: boolean;
  readonly unit?: string;
  readonly documentationLink: string;
}

const DOCS = "https://www.postgresql.org/docs/17";

/** vCores of a SKU name (`Standard_D4ds_v5` → 4, `Standard_B1ms` → 1). */
function vCoresOf(sku: string): number {
  const match = /_[A-Z]+(\d+)/.exec(sku);
  return match ? Number(match[1]) : 2;
}

/** Memory (GiB) of a SKU: B/D series 4 GiB per vCore, E series 8 (B1ms has 2). */
function memoryGiBOf(sku: string): number {
  if (/_B1ms$/i.test(sku)) return 2;
  const perCore = /_E\d/i.test(sku) ? 8 : 4;
  return vCoresOf(sku) * perCore;
}

export const SERVER_PARAMETERS: Readonly<Record<string, ServerParameter>> = {
  array_nulls: {
    description:
      "Enables input of NULL (case insensitive) to be considered as NULL value rather than the literal String 'NULL'.",
    dataType: "Boolean",
    defaultValue: () => "on",
    allowedValues: "on,off",
    isDynamicConfig: true,
    documentationLink: `${DOCS}/runtime-config-compatible.html#GUC-ARRAY-NULLS`,
  },
  require_secure_transport: {
    description:
      "Whether client connections to the server are required to use some form of secure transport.",
    dataType: "Boolean",
    defaultValue: () => "on",
    allowedValues: "on,off",
    isDynamicConfig: true,
    documentationLink:
      "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-ssl-tls",
  },
  ssl_min_protocol_version: {
    description: "Sets the minimum SSL/TLS protocol version to use.",
    dataType: "Enumeration",
    defaultValue: () => "TLSv1.2",
    allowedValues: "TLSv1,TLSv1.1,TLSv1.2,TLSv1.3",
    isDynamicConfig: true,
    documentationLink: `${DOCS}/runtime-config-connection.html#GUC-SSL-MIN-PROTOCOL-VERSION`,
  },
  max_connections: {
    description: "Sets the maximum number of concurrent connections to the database server.",
    dataType: "Integer",
    defaultValue: (sku) =>
      String(/_B1ms$/i.test(sku) ? 50 : Math.min(5000, Math.floor((memoryGiBOf(sku) / 8) * 859))),
    allowedValues: "25-5000",
    isDynamicConfig: false,
    documentationLink: `${DOCS}/runtime-config-connection.html#GUC-MAX-CONNECTIONS`,
  },
  log_min_duration_statement: {
    description:
      "Sets the minimum execution time (in milliseconds) above which statements will be logged. -1 disables logging statement durations.",
    dataType: "Integer",
    defaultValue: () => "-1",
    allowedValues: "-1-2147483647",
    isDynamicConfig: true,
    unit: "milliseconds",
    documentationLink: `${DOCS}/runtime-config-logging.html#GUC-LOG-MIN-DURATION-STATEMENT`,
  },
  timezone: {
    description: "Sets the time zone for displaying and interpreting time stamps.",
    dataType: "String",
    defaultValue: () => "UTC",
    allowedValues: "[A-Za-z0-9/+_-]+",
    isDynamicConfig: true,
    documentationLink: `${DOCS}/runtime-config-client.html#GUC-TIMEZONE`,
  },
  "azure.extensions": {
    description: "Specifies which extensions are allowed to be created in the server.",
    dataType: "Set",
    defaultValue: () => "",
    allowedValues:
      "address_standardizer,amcheck,btree_gin,btree_gist,citext,cube,fuzzystrmatch,hstore,pg_stat_statements,pg_trgm,pgcrypto,postgis,uuid-ossp,vector",
    isDynamicConfig: true,
    documentationLink: "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-extensions",
  },
};

/** The `properties` a parameter answers with, at its default. */
export function parameterMetadata(parameter: ServerParameter, sku: string): Record<string, unknown> {
  const defaultValue = parameter.defaultValue(sku);
  return {
    value: defaultValue,
    description: parameter.description,
    defaultValue,
    dataType: parameter.dataType,
    allowedValues: parameter.allowedValues,
    source: "system-default",
    isDynamicConfig: parameter.isDynamicConfig,
    isReadOnly: false,
    isConfigPendingRestart: false,
    ...(parameter.unit ? { unit: parameter.unit } : {}),
    documentationLink: parameter.documentationLink,
  };
}

/** Minor version reported per major (**Unconfirmed**). */
const MINOR_VERSIONS: Readonly<Record<string, string>> = {
  "13": "21",
  "14": "18",
  "15": "13",
  "16": "9",
  "17": "5",
};

export const minorVersionOf = (major: string): string => MINOR_VERSIONS[major] ?? "0";

/** Premium SSD tiers: [tier, GiB, baseline IOPS]. */
const DISK_TIERS: readonly (readonly [string, number, number])[] = [
  ["P4", 32, 120],
  ["P6", 64, 240],
  ["P10", 128, 500],
  ["P15", 256, 1100],
  ["P20", 512, 2300],
  ["P30", 1024, 5000],
  ["P40", 2048, 7500],
  ["P50", 4096, 7500],
  ["P60", 8192, 16000],
  ["P70", 16384, 18000],
  ["P80", 32767, 20000],
];

/** The disk tier and IOPS a storage size gets. */
export function diskTierOf(storageSizeGB: number): { tier: string; iops: number } {
  const found = DISK_TIERS.find(([, size]) => storageSizeGB <= size) ?? DISK_TIERS[DISK_TIERS.length - 1];
  return { tier: found?.[0] ?? "P10", iops: found?.[2] ?? 500 };
}
