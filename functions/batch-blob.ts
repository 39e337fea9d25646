/**
 * A queue request too large for one message (Azure Storage queue messages hold at most 64 KiB) names a
 * blob instead: `{ "action": "apply", "environmentsBlob": "<container>/<blob>" }`, the blob holding the
 * list of specs (YAML or JSON) in the app's own storage account (`AzureWebJobsStorage`, where whoever
 * may enqueue requests may also write blobs).
 */
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { storageConnectionFrom, storageCredentialOf } from "./records/table";

/** Largest batch document read, in bytes: 8 MiB, some thousands of specs. */
export const MAX_BATCH_BLOB_BYTES = 8 * 1024 * 1024;

/** A blob that could not be read as a batch, with the reason a user can act on. */
export class BatchBlobError extends Error {
  readonly isBatchBlobError = true as const;
}

/** Whether `error` is a {@link BatchBlobError}. */
export function isBatchBlobError(error: unknown): error is BatchBlobError {
  return (error as { isBatchBlobError?: unknown } | null)?.isBatchBlobError === true;
}

/** Reads the text of a batch blob. */
export type BatchBlobReader = (reference: string) => Promise<string>;

function containerOf(env: Readonly<Record<string, string | undefined>>, container: string): ContainerClient {
  const connection = storageConnectionFrom(env);
  if (connection?.kind === "connectionString")
    return BlobServiceClient.fromConnectionString(connection.connectionString).getContainerClient(container);
  if (connection?.kind === "identity" && connection.blobServiceUri)
    return new BlobServiceClient(
      connection.blobServiceUri,
      storageCredentialOf(connection),
    ).getContainerClient(container);
  throw new BatchBlobError("the app's storage names no Blob service (AzureWebJobsStorage__blobServiceUri)");
}

/**
 * The reader of batch blobs in the app's storage account.
 * @throws BatchBlobError for a reference that is not `<container>/<blob>`, a missing blob or one too large
 */
export function batchBlobReader(
  env: Readonly<Record<string, string | undefined>> = process.env,
): BatchBlobReader {
  return async (reference) => {
    const match = /^([a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?)\/(.+)$/.exec(reference);
    if (!match) throw new BatchBlobError(`"${reference}" is not <container>/<blob name>`);
    const blob = containerOf(env, match[1] as string).getBlobClient(match[2] as string);
    let size: number;
    try {
      size = (await blob.getProperties()).contentLength ?? 0;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404)
        throw new BatchBlobError(`blob ${reference} does not exist in the app's storage account`);
      throw error;
    }
    if (size > MAX_BATCH_BLOB_BYTES)
      throw new BatchBlobError(
        `blob ${reference} is ${size} bytes; a batch is at most ${MAX_BATCH_BLOB_BYTES}`,
      );
    return (await blob.downloadToBuffer()).toString("utf8");
  };
}
