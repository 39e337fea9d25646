/**
 * The storage account a binding's `connection` names, looked up as the host does: the setting itself,
 * then `AzureWebJobs<name>`; no `connection` means `AzureWebJobsStorage`. Only connection strings are
 * read (identity-based `<name>__serviceUri` settings are not).
 */

/** The settings tried for `connection`, in order. */
export function connectionSettingNames(connection: unknown): string[] {
  const name = typeof connection === "string" ? connection : "";
  return name ? [name, `AzureWebJobs${name}`] : ["AzureWebJobsStorage"];
}

/** The connection string `connection` names in `env`; `undefined` when none of its settings is set. */
export function resolveStorageConnection(connection: unknown, env: NodeJS.ProcessEnv): string | undefined {
  for (const candidate of connectionSettingNames(connection)) {
    const value = env[candidate];
    if (value) return value;
  }
  return undefined;
}

/** Azurite and other plain-HTTP endpoints need the SDKs' `allowInsecureConnection`. */
export function isInsecureConnection(connectionString: string): boolean {
  return connectionString.includes("http://") || /UseDevelopmentStorage/i.test(connectionString);
}

/** Azurite's fixed development account. */
export const DEVELOPMENT_ACCOUNT = "devstoreaccount1";
/** Its key: public (Microsoft documents it for the storage emulators), not a secret. */
export const DEVELOPMENT_ACCOUNT_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
/** Azurite's endpoints when a connection string says only `UseDevelopmentStorage=true`. */
const DEVELOPMENT_ENDPOINTS = {
  table: `http://127.0.0.1:10002/${DEVELOPMENT_ACCOUNT}`,
  queue: `http://127.0.0.1:10001/${DEVELOPMENT_ACCOUNT}`,
} as const;

/** The storage services the devhost talks to without an SDK. */
export type StorageService = keyof typeof DEVELOPMENT_ENDPOINTS;

/** How to reach one service of a storage account, from its connection string. */
export interface StorageAccount {
  readonly accountName: string;
  /** The service's base URL, without a trailing slash (path-style for Azurite). */
  readonly endpoint: string;
  /** Signs requests (Shared Key); absent when the connection string carries a SAS instead. */
  readonly accountKey?: string;
  /** A shared access signature (query string without `?`) appended to every request. */
  readonly sharedAccessSignature?: string;
}

/** How to reach an account's Table service. */
export type TableAccount = StorageAccount;

/**
 * One service of a storage connection string: `AccountName` + `AccountKey` (or
 * `SharedAccessSignature`), with the service's endpoint (`TableEndpoint`, `QueueEndpoint`), or the
 * public endpoint built from `DefaultEndpointsProtocol` and `EndpointSuffix`; or
 * `UseDevelopmentStorage=true` (Azurite's defaults).
 * @throws Error naming what is missing (the message never repeats the key or signature)
 */
export function storageAccountOf(connectionString: string, service: StorageService): StorageAccount {
  const fields = new Map<string, string>();
  for (const part of connectionString.split(";")) {
    const at = part.indexOf("=");
    if (at > 0) fields.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  if (fields.get("usedevelopmentstorage")?.toLowerCase() === "true") {
    return {
      accountName: DEVELOPMENT_ACCOUNT,
      endpoint: DEVELOPMENT_ENDPOINTS[service],
      accountKey: DEVELOPMENT_ACCOUNT_KEY,
    };
  }
  const accountName = fields.get("accountname");
  const accountKey = fields.get("accountkey");
  const sharedAccessSignature = fields.get("sharedaccesssignature")?.replace(/^\?/, "");
  const label = service === "table" ? "Table" : "Queue";
  const explicitEndpoint = fields.get(`${service}endpoint`);
  const problems: string[] = [];
  if (!accountName && !explicitEndpoint) problems.push(`no AccountName or ${label}Endpoint`);
  if (!accountKey && !sharedAccessSignature) problems.push("no AccountKey or SharedAccessSignature");
  if (problems.length > 0) {
    throw new Error(`the storage connection string cannot reach a ${label} service: ${problems.join(", ")}`);
  }
  const endpoint = (
    explicitEndpoint ??
    `${fields.get("defaultendpointsprotocol") ?? "https"}://${accountName}.${service}.${fields.get("endpointsuffix") ?? "core.windows.net"}`
  ).replace(/\/+$/, "");
  return {
    // A path-style endpoint (Azurite: http://host:port/<account>) names the account in its path.
    accountName: accountName ?? new URL(endpoint).pathname.split("/")[1] ?? "",
    endpoint,
    ...(accountKey ? { accountKey } : {}),
    ...(sharedAccessSignature ? { sharedAccessSignature } : {}),
  };
}

/** The Table service of a storage connection string ({@link storageAccountOf}). */
export function tableAccountOf(connectionString: string): TableAccount {
  return storageAccountOf(connectionString, "table");
}

/** The Queue service of a storage connection string ({@link storageAccountOf}). */
export function queueAccountOf(connectionString: string): StorageAccount {
  return storageAccountOf(connectionString, "queue");
}
