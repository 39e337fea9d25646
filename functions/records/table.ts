/**
 * Table clients for the records, from the same storage connection the Functions host uses
 * (`AzureWebJobsStorage`; Azurite locally).
 */
import { TableClient } from "@azure/data-tables";

/** Table names of the records. */
export const RECORD_TABLES = {
  /** One row per environment. */
  environments: "environments",
  /** One row per environment of each queue request (started, duplicate or refused). */
  requestResults: "environmentRequestResults",
} as const;

/** A client for `table`, created if missing. Plain-http endpoints (Azurite) are allowed. */
export async function openTable(connectionString: string, table: string): Promise<TableClient> {
  const client = TableClient.fromConnectionString(connectionString, table, {
    // Azurite serves plain http on loopback; against Azure the connection string names https endpoints.
    allowInsecureConnection:
      /(^|;)\s*(DefaultEndpointsProtocol=http|TableEndpoint=http:|UseDevelopmentStorage=true)/i.test(
        connectionString,
      ),
  });
  await client.createTable();
  return client;
}

/** Whether a storage call failed with this HTTP status. */
export function hasStatus(error: unknown, status: number): boolean {
  return (
    typeof error === "object" && error !== null && (error as { statusCode?: unknown }).statusCode === status
  );
}
