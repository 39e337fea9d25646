/**
 * Storage output bindings — `output.storageQueue`, `output.storageBlob`, `output.table` — written after a
 * handler succeeds, as the host flushes them: the values the handler set on `context.extraOutputs` (and
 * its return value for a `return` binding), to the storage account each binding's `connection` names.
 * A failed write fails the invocation; a handler that fails writes nothing. Queues, containers and
 * tables are created on first use, as the host's bindings do.
 */
import { BlobServiceClient } from "@azure/storage-blob";
import { TableClient } from "@azure/data-tables";
import { QueueClient } from "@azure/storage-queue";
import type { BindingMetadata, CapturedFunction } from "./contracts";
import { resolveBindingExpression, type BindingData } from "./binding-expressions";
import { encodeMessageText } from "./queue-message";
import { isInsecureConnection, resolveStorageConnection } from "./storage-connection";

/** Binding types this module writes (lower case), by what they write to. */
export const STORAGE_OUTPUT_TYPES = ["queue", "blob", "table"] as const;
export type StorageOutputType = (typeof STORAGE_OUTPUT_TYPES)[number];

/** Whether `binding` is a storage output binding this module writes. */
export function isStorageOutput(binding: BindingMetadata): boolean {
  return (
    binding.direction === "out" &&
    (STORAGE_OUTPUT_TYPES as readonly string[]).includes(binding.type.toLowerCase())
  );
}

/** What an invocation hands to {@link OutputBindingWriter.write}. */
export interface InvocationOutputs {
  readonly fn: CapturedFunction;
  /** `context.extraOutputs.get(name)` of the invocation. */
  readonly extraOutput: (bindingName: string) => unknown;
  /** What the handler returned (the `$return` binding's value). */
  readonly returned: unknown;
  /** Values for `{name}` expressions in binding settings. */
  readonly bindingData: BindingData;
}

/** Writes an invocation's output bindings. */
export interface OutputBindingWriter {
  write(outputs: InvocationOutputs): Promise<void>;
}

/** Options for {@link StorageOutputBindings}. */
export interface StorageOutputBindingOptions {
  /** App settings: connections and `%Setting%` references. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** host.json `extensions.queues.messageEncoding`, which applies to queue outputs too. @default "base64" */
  readonly messageEncoding?: "base64" | "none";
}

function bytesOf(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (typeof value === "string") return Buffer.from(value, "utf8");
  return Buffer.from(JSON.stringify(value), "utf8");
}

function setting(binding: BindingMetadata, name: string): string {
  const value = binding[name];
  return typeof value === "string" ? value : "";
}

/** Writes queue, blob and table outputs with the Azure Storage SDKs (Azurite locally). */
export class StorageOutputBindings implements OutputBindingWriter {
  readonly #env: NodeJS.ProcessEnv;
  readonly #encoding: "base64" | "none";
  /** Queues, containers and tables already created, by connection string and name. */
  readonly #created = new Map<string, Promise<unknown>>();

  constructor(options: StorageOutputBindingOptions = {}) {
    this.#env = options.env ?? process.env;
    this.#encoding = options.messageEncoding ?? "base64";
  }

  async write({ fn, extraOutput, returned, bindingData }: InvocationOutputs): Promise<void> {
    for (const [name, binding] of Object.entries(fn.bindings)) {
      if (!isStorageOutput(binding)) continue;
      const value = name === "$return" ? returned : extraOutput(name);
      if (value === undefined || value === null) continue;
      const connection = resolveStorageConnection(binding.connection, this.#env);
      if (!connection) throw new Error(`the connection of output binding '${name}' is not set`);
      const resolve = (text: string) => resolveBindingExpression(text, bindingData, this.#env);
      switch (binding.type.toLowerCase() as StorageOutputType) {
        case "queue":
          await this.#writeQueue(connection, resolve(setting(binding, "queueName")).toLowerCase(), value);
          break;
        case "blob":
          await this.#writeBlob(connection, resolve(setting(binding, "path")), value);
          break;
        case "table":
          await this.#writeTable(connection, binding, resolve, value);
          break;
      }
    }
  }

  #once(key: string, create: () => Promise<unknown>): Promise<unknown> {
    let created = this.#created.get(key);
    if (!created) {
      created = create();
      this.#created.set(key, created);
      created.catch(() => this.#created.delete(key));
    }
    return created;
  }

  async #writeQueue(connection: string, queueName: string, value: unknown): Promise<void> {
    const queue = new QueueClient(connection, queueName);
    await this.#once(`queue ${connection} ${queueName}`, () => queue.createIfNotExists());
    // An array is one message per item, as with the host's collector.
    for (const item of Array.isArray(value) ? value : [value]) {
      const text = typeof item === "string" ? item : bytesOf(item).toString("utf8");
      await queue.sendMessage(encodeMessageText(text, this.#encoding));
    }
  }

  async #writeBlob(connection: string, path: string, value: unknown): Promise<void> {
    const slash = path.indexOf("/");
    if (slash <= 0 || slash === path.length - 1) {
      throw new Error(`the blob path '${path}' must be <container>/<blob name>`);
    }
    const container = BlobServiceClient.fromConnectionString(connection).getContainerClient(
      path.slice(0, slash),
    );
    await this.#once(`container ${connection} ${container.containerName}`, () =>
      container.createIfNotExists(),
    );
    const bytes = bytesOf(value);
    await container.getBlockBlobClient(path.slice(slash + 1)).upload(bytes, bytes.length);
  }

  async #writeTable(
    connection: string,
    binding: BindingMetadata,
    resolve: (text: string) => string,
    value: unknown,
  ): Promise<void> {
    const tableName = resolve(setting(binding, "tableName"));
    const table = TableClient.fromConnectionString(connection, tableName, {
      allowInsecureConnection: isInsecureConnection(connection),
    });
    await this.#once(`table ${connection} ${tableName}`, () => table.createTable());
    const partitionKey = setting(binding, "partitionKey");
    const rowKey = setting(binding, "rowKey");
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || typeof item !== "object") {
        throw new Error(`a table output value must be an object with PartitionKey and RowKey`);
      }
      const {
        PartitionKey,
        RowKey,
        partitionKey: pk,
        rowKey: rk,
        ...properties
      } = item as Record<string, unknown>;
      const keys = {
        partitionKey: PartitionKey ?? pk ?? (partitionKey ? resolve(partitionKey) : undefined),
        rowKey: RowKey ?? rk ?? (rowKey ? resolve(rowKey) : undefined),
      };
      if (typeof keys.partitionKey !== "string" || typeof keys.rowKey !== "string") {
        throw new Error(`a table output entity needs a string PartitionKey and RowKey`);
      }
      // The host's table output only adds entities: an existing key fails the invocation.
      await table.createEntity({ ...properties, partitionKey: keys.partitionKey, rowKey: keys.rowKey });
    }
  }
}
