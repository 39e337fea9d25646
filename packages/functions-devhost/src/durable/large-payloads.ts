/**
 * Values too large for a table row go to blobs, as the Durable Functions Azure Storage backend does
 * (DurableTask.AzureStorage keeps messages and history properties over about 60 KB in its
 * `<hub>-largemessages` container, compressed, and stores only the blob's name in the row). A batch's
 * input, a large activity result or a history chunk that holds one would otherwise exceed the Table
 * service's limits (64 KiB per property, 1 MiB per entity, 4 MiB per transaction) and the instance could
 * never be written: it stayed `Pending` forever.
 *
 * Writing is two-step, because entities are built synchronously: `packJson` marks a value to offload on
 * the entity (a symbol-keyed property the Table client never sends), and the store uploads the marked
 * values ({@link LargePayloads.flush}) just before it writes the row. Reading hydrates a row's blob
 * values back into inline parts before it is decoded.
 */
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { blobNameOf, pendingBlobsOf, clearPendingBlobs, BLOB_SUFFIX } from "./table-values";

/** The task hub's large-payload container. */
export class LargePayloads {
  readonly #container: ContainerClient;
  /**
   * Blob names this process has uploaded. Names are content addresses, so a row written again with the
   * same value (every lease taken and released rewrites the instance row) uploads nothing new.
   */
  readonly #uploaded = new Set<string>();

  constructor(connectionString: string, hubName: string) {
    // Container names are lower-case; hub names are letters and digits.
    this.#container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(
      `${hubName.toLowerCase()}-largemessages`,
    );
  }

  async createIfMissing(): Promise<void> {
    await this.#container.createIfNotExists();
  }

  /**
   * Uploads the values {@link markForBlob} marked on `entity` and names their blobs in it. Blob names
   * start with the row's partition key, so purging an instance finds them.
   */
  async flush(entity: Record<string, unknown>): Promise<void> {
    const pending = pendingBlobsOf(entity);
    if (pending.length === 0) return;
    for (const { name, json } of pending) {
      const digest = createHash("sha256").update(json).digest("hex").slice(0, 40);
      const blobName = `${String(entity.partitionKey)}/${name}-${digest}.json.gz`;
      if (!this.#uploaded.has(blobName)) {
        const body = gzipSync(Buffer.from(json, "utf8"));
        await this.#container.getBlockBlobClient(blobName).uploadData(body, {
          blobHTTPHeaders: { blobContentType: "application/gzip" },
        });
        this.#uploaded.add(blobName);
      }
      entity[`${name}${BLOB_SUFFIX}`] = blobName;
    }
    clearPendingBlobs(entity);
  }

  /** Reads every value `entity` keeps in a blob back into the row's inline parts (in memory only). */
  async hydrate(entity: Record<string, unknown>): Promise<void> {
    for (const key of Object.keys(entity)) {
      if (!key.endsWith(BLOB_SUFFIX)) continue;
      const name = key.slice(0, -BLOB_SUFFIX.length);
      const blobName = blobNameOf(entity, name);
      if (!blobName) continue;
      const json = gunzipSync(await this.#container.getBlockBlobClient(blobName).downloadToBuffer()).toString(
        "utf8",
      );
      entity[`${name}Parts`] = 1;
      entity[`${name}0`] = json;
    }
  }

  /** Deletes the blobs of an instance's rows (its partition key). @returns how many went */
  async deleteInstance(partitionKey: string): Promise<number> {
    let deleted = 0;
    for await (const blob of this.#container.listBlobsFlat({ prefix: `${partitionKey}/` })) {
      await this.#container.deleteBlob(blob.name, { deleteSnapshots: "include" }).catch(() => undefined);
      this.#uploaded.delete(blob.name);
      deleted++;
    }
    return deleted;
  }
}
