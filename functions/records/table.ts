/**
 * Table clients for the records, on the same storage connection the Functions host uses
 * (`AzureWebJobsStorage`): a connection string locally (Azurite), or an identity-based connection on
 * Azure, where the storage account refuses shared keys and the app authenticates as its managed identity.
 */
import type { TokenCredential } from "@azure/core-auth";
import { TableClient } from "@azure/data-tables";
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";

/** Table names of the records. */
export const RECORD_TABLES = {
  /** One row per environment. */
  environments: "environments",
  /** One row per environment of each queue request (started, duplicate or refused). */
  requestResults: "environmentRequestResults",
  /** Append-only: who asked for which apply, destroy, cancel or import, and how it ended. */
  audit: "environmentAudit",
} as const;

/**
 * How the records reach their storage account: a connection string (Azurite, or a key-based account), or
 * the Table service URI and the identity to authenticate as.
 */
export type StorageConnection =
  | { readonly kind: "connectionString"; readonly connectionString: string }
  | {
      readonly kind: "identity";
      readonly tableServiceUri: string;
      /** The Blob service of the same account (`__blobServiceUri`, or from `__accountName`). */
      readonly blobServiceUri?: string;
      /** True when `__credential` is `managedidentity`: use the managed identity, never a developer login. */
      readonly managedIdentity: boolean;
      /** Client id of the user-assigned managed identity (`__clientId`); absent means system-assigned. */
      readonly clientId?: string;
    };

const present = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim() !== "" ? value.trim() : undefined;

/**
 * The `AzureWebJobsStorage` connection, read as the Functions host reads it: the setting itself holds a
 * connection string; otherwise the identity-based settings under the `AzureWebJobsStorage__` prefix name
 * the Table service (`__tableServiceUri`, or `__accountName` for the public cloud's
 * `https://<account>.table.core.windows.net`), and `__credential` / `__clientId` pick the managed identity
 * (docs/deploy.md#identity-based-storage).
 * @returns undefined when none of them is set
 */
export function storageConnectionFrom(
  env: Readonly<Record<string, string | undefined>>,
): StorageConnection | undefined {
  const connectionString = present(env.AzureWebJobsStorage);
  if (connectionString) return { kind: "connectionString", connectionString };
  const accountName = present(env.AzureWebJobsStorage__accountName);
  const tableServiceUri =
    present(env.AzureWebJobsStorage__tableServiceUri) ??
    (accountName ? `https://${accountName}.table.core.windows.net` : undefined);
  if (!tableServiceUri) return undefined;
  const clientId = present(env.AzureWebJobsStorage__clientId);
  const blobServiceUri =
    present(env.AzureWebJobsStorage__blobServiceUri) ??
    (accountName ? `https://${accountName}.blob.core.windows.net` : undefined);
  return {
    kind: "identity",
    tableServiceUri: tableServiceUri.replace(/\/+$/, ""),
    ...(blobServiceUri ? { blobServiceUri: blobServiceUri.replace(/\/+$/, "") } : {}),
    managedIdentity: present(env.AzureWebJobsStorage__credential)?.toLowerCase() === "managedidentity",
    ...(clientId ? { clientId } : {}),
  };
}

/** The credential an identity-based connection authenticates with. */
export function storageCredentialOf(connection: StorageConnection & { kind: "identity" }): TokenCredential {
  if (connection.managedIdentity) {
    return connection.clientId
      ? new ManagedIdentityCredential({ clientId: connection.clientId })
      : new ManagedIdentityCredential();
  }
  // Without `__credential`, the host uses the developer's own login locally; so do the records.
  return new DefaultAzureCredential();
}

/**
 * A client for `table`, created if missing. `connection` is a connection string (plain-http Azurite
 * endpoints are allowed) or a {@link StorageConnection}.
 */
export async function openTable(connection: string | StorageConnection, table: string): Promise<TableClient> {
  const resolved: StorageConnection =
    typeof connection === "string" ? { kind: "connectionString", connectionString: connection } : connection;
  const client =
    resolved.kind === "connectionString"
      ? TableClient.fromConnectionString(resolved.connectionString, table, {
          // Azurite serves plain http on loopback; against Azure the connection string names https endpoints.
          allowInsecureConnection:
            /(^|;)\s*(DefaultEndpointsProtocol=http|TableEndpoint=http:|UseDevelopmentStorage=true)/i.test(
              resolved.connectionString,
            ),
        })
      : new TableClient(resolved.tableServiceUri, table, storageCredentialOf(resolved));
  await client.createTable();
  return client;
}

/** Whether a storage call failed with this HTTP status. */
export function hasStatus(error: unknown, status: number): boolean {
  return (
    typeof error === "object" && error !== null && (error as { statusCode?: unknown }).statusCode === status
  );
}
