/**
 * A small client for one table of the Azure Table service, for the engine's own storage: point reads and
 * writes, queries with continuation, entity-group transactions. It speaks the REST API directly (Shared
 * Key Lite or a SAS, JSON with minimal metadata, keep-alive connections) because the engine sends
 * about a thousand small requests per build and, at a few per second, each one through the SDK's general
 * pipeline (policies, serializers, tracing hooks) ran its code cold on the host's main thread
 * (docs/durable-protocol.md, "How the engine talks to storage").
 * Reference: "Table service REST API" and "Authorize with Shared Key" (learn.microsoft.com).
 */
import { createHmac } from "node:crypto";
import type { Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import type { TableAccount } from "../storage-connection";
import { exchange, keepAliveAgent, type StorageAnswer } from "../storage-exchange";
import { batchRequest, parseBatchResponse, type BatchSubResponse } from "./table-batch";
import {
  entityBody,
  entityFromJson,
  entityPath,
  errorOf,
  JSON_ACCEPT,
  type StoredEntity,
  type TableAction,
  type TableEntity,
  type UpdateMode,
} from "./table-entities";

/** The service version the requests ask for (JSON payloads, `$batch`, `Prefer: return-no-content`). */
const SERVICE_VERSION = "2019-02-02";
/** Tries of a request the service or network failed transiently (the first included). */
const MAX_TRIES = 4;
const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 4_000;
/**
 * A request with no answer for this long is abandoned (and tried again): a stalled connection must not
 * stall the engine. The service's own timeout for a table operation is 30 s.
 */
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** Statuses worth a retry: timeout, throttling, service errors. */
const RETRIABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** Network failures worth a retry (a kept-alive connection the server closed first, among others). */
const RETRIABLE_NETWORK_ERRORS = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN"]);

/** The service's answer to a request that failed: its status and, when it sent one, its error code. */
export class TableRestError extends Error {
  readonly statusCode: number;
  readonly code: string | undefined;

  constructor(method: string, what: string, statusCode: number, error: { code?: string; message: string }) {
    super(
      `${method} ${what}: ${statusCode}${error.code ? ` ${error.code}` : ""}${error.message ? ` — ${error.message.split("\n")[0]}` : ""}`,
    );
    this.name = "TableRestError";
    this.statusCode = statusCode;
    this.code = error.code;
  }
}

interface Send {
  readonly method: string;
  /** Path below the endpoint (already encoded), e.g. `Table(PartitionKey='a',RowKey='b')`. */
  readonly path: string;
  readonly query?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** One page of a query and where the next begins. */
export interface EntityPage {
  readonly entities: StoredEntity[];
  /** The next page's token (the format `@azure/data-tables` uses), absent after the last page. */
  readonly continuationToken?: string;
}

/** Kinds of request the client sends, as counted in {@link TableRest.requestCounts}. */
export type TableRequestKind = "transaction" | "query" | "read" | "write" | "delete" | "table";

/** What to query: an OData filter, the properties to return, how many rows per page. */
export interface EntityQuery {
  readonly filter?: string;
  readonly select?: readonly string[];
  readonly top?: number;
}

/** Reads and writes one table. */
export class TableRest {
  readonly #account: TableAccount;
  readonly #endpoint: URL;
  readonly #endpointPath: string;
  readonly #agent: HttpAgent | HttpsAgent;
  readonly #key: Buffer | undefined;
  readonly #requestTimeoutMs: number;
  /** Requests sent so far by kind, retries included: what a benchmark reads to count round trips. */
  readonly requestCounts: Record<TableRequestKind, number> = {
    transaction: 0,
    query: 0,
    read: 0,
    write: 0,
    delete: 0,
    table: 0,
  };

  constructor(
    account: TableAccount,
    readonly table: string,
    { requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS }: { readonly requestTimeoutMs?: number } = {},
  ) {
    this.#account = account;
    this.#requestTimeoutMs = requestTimeoutMs;
    const endpoint = new URL(account.endpoint);
    this.#endpoint = endpoint;
    this.#endpointPath = endpoint.pathname.replace(/\/+$/, "");
    this.#agent = keepAliveAgent(endpoint);
    this.#key = account.accountKey ? Buffer.from(account.accountKey, "base64") : undefined;
  }

  /** Creates the table; one that exists already is fine. */
  async createTable(): Promise<void> {
    const answer = await this.#send({
      method: "POST",
      path: "Tables",
      headers: { "Content-Type": "application/json", Prefer: "return-no-content" },
      body: JSON.stringify({ TableName: this.table }),
    });
    if (answer.status !== 409) this.#expect(answer, "POST", "Tables");
  }

  /**
   * One row, with only the `select`ed properties when given.
   * @throws TableRestError 404 when the row is not there
   */
  async getEntity(partitionKey: string, rowKey: string, select?: readonly string[]): Promise<StoredEntity> {
    const path = entityPath(this.table, partitionKey, rowKey);
    const answer = await this.#send({
      method: "GET",
      path,
      ...(select ? { query: `$select=${encodeURIComponent(select.join(","))}` } : {}),
    });
    this.#expect(answer, "GET", path);
    return entityFromJson(JSON.parse(answer.body) as Record<string, unknown>, etagOf(answer));
  }

  /** Inserts a row; returns its ETag. @throws TableRestError 409 when it exists */
  async createEntity(entity: TableEntity): Promise<string> {
    return this.#write("POST", this.table, entity);
  }

  /**
   * Updates a row if it still has `etag` (any version without one); returns the new ETag.
   * @throws TableRestError 412 when the row changed, 404 when it is gone
   */
  async updateEntity(entity: TableEntity, mode: UpdateMode, etag = "*"): Promise<string> {
    const path = entityPath(this.table, entity.partitionKey, entity.rowKey);
    return this.#write(mode === "Merge" ? "MERGE" : "PUT", path, entity, etag);
  }

  /** Inserts a row or merges into / replaces the one there; returns the new ETag. */
  async upsertEntity(entity: TableEntity, mode: UpdateMode): Promise<string> {
    const path = entityPath(this.table, entity.partitionKey, entity.rowKey);
    return this.#write(mode === "Merge" ? "MERGE" : "PUT", path, entity);
  }

  /** Deletes a row if it still has `etag` (any version without one). @throws TableRestError 404, 412 */
  async deleteEntity(partitionKey: string, rowKey: string, etag = "*"): Promise<void> {
    const path = entityPath(this.table, partitionKey, rowKey);
    const answer = await this.#send({ method: "DELETE", path, headers: { "If-Match": etag } });
    this.#expect(answer, "DELETE", path);
  }

  /** One page of the rows matching `query`, from `continuationToken` (the first page without one). */
  async queryPage(query: EntityQuery, continuationToken?: string): Promise<EntityPage> {
    const params: string[] = [];
    if (query.filter) params.push(`$filter=${encodeURIComponent(query.filter)}`);
    if (query.select) params.push(`$select=${encodeURIComponent(query.select.join(","))}`);
    if (query.top !== undefined) params.push(`$top=${query.top}`);
    const from = continuationToken === undefined ? undefined : decodeContinuation(continuationToken);
    if (continuationToken !== undefined && !from) {
      throw new RangeError("the continuation token is not one this table's queries return");
    }
    if (from) {
      params.push(`NextPartitionKey=${encodeURIComponent(from.nextPartitionKey)}`);
      if (from.nextRowKey) params.push(`NextRowKey=${encodeURIComponent(from.nextRowKey)}`);
    }
    const path = `${this.table}()`;
    const answer = await this.#send({
      method: "GET",
      path,
      query: params.join("&"),
    });
    this.#expect(answer, "GET", path);
    const rows = (JSON.parse(answer.body) as { value?: Record<string, unknown>[] }).value ?? [];
    const next = encodeContinuation(
      header(answer, "x-ms-continuation-nextpartitionkey"),
      header(answer, "x-ms-continuation-nextrowkey"),
    );
    return { entities: rows.map((row) => entityFromJson(row)), ...(next ? { continuationToken: next } : {}) };
  }

  /** Every row matching `query`, page after page. */
  async *listEntities(query: EntityQuery): AsyncGenerator<StoredEntity> {
    let token: string | undefined;
    do {
      const page = await this.queryPage(query, token);
      yield* page.entities;
      token = page.continuationToken;
    } while (token !== undefined);
  }

  /**
   * Runs `actions` (one partition, at most 100) as one entity-group transaction: all or none.
   * @returns each operation's answer, in order
   * @throws TableRestError with the failing operation's status (e.g. 412, 409) when it was rolled back
   */
  async submitTransaction(actions: readonly TableAction[]): Promise<BatchSubResponse[]> {
    const batch = batchRequest(this.#account.endpoint, this.table, actions);
    const answer = await this.#send({
      method: "POST",
      path: "$batch",
      headers: {
        "Content-Type": batch.contentType,
        Accept: "application/json",
        MaxDataServiceVersion: "3.0;NetFx",
      },
      body: batch.body,
    });
    this.#expect(answer, "POST", "$batch");
    const responses = parseBatchResponse(answer.body);
    const failed = responses.find((response) => response.status >= 300);
    if (failed) {
      throw new TableRestError(
        "POST",
        `$batch of ${actions.length}`,
        failed.status,
        failed.error ?? { message: "" },
      );
    }
    if (responses.length !== actions.length) {
      // Not the change set the protocol promises: better to fail than to take unknown writes as done.
      throw new Error(`$batch of ${actions.length} answered ${responses.length} operations`);
    }
    return responses;
  }

  async #write(method: string, path: string, entity: TableEntity, ifMatch?: string): Promise<string> {
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      Prefer: "return-no-content",
    };
    if (ifMatch !== undefined) headers["If-Match"] = ifMatch;
    const answer = await this.#send({ method, path, headers, body: entityBody(entity) });
    this.#expect(answer, method, path);
    return etagOf(answer) ?? "";
  }

  /** Throws the service's error unless `answer` is a success. */
  #expect(answer: StorageAnswer, method: string, path: string): void {
    if (answer.status >= 300)
      throw new TableRestError(method, decodeURIComponent(path), answer.status, errorOf(answer.body));
  }

  /**
   * Sends a request (accepting JSON unless it says otherwise), again after transient failures (with
   * back-off, or as `Retry-After` asks).
   */
  async #send(send: Send): Promise<StorageAnswer> {
    for (let tries = 1; ; tries++) {
      let answer: StorageAnswer | undefined;
      try {
        answer = await this.#sendOnce(send);
        if (!RETRIABLE_STATUSES.has(answer.status) || tries >= MAX_TRIES) return answer;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (!RETRIABLE_NETWORK_ERRORS.has(code ?? "") || tries >= MAX_TRIES) throw error;
      }
      const retryAfterSec = Number(answer?.headers["retry-after"]);
      const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (tries - 1)) * (0.8 + 0.4 * Math.random());
      await new Promise((resolve) => setTimeout(resolve, retryAfterSec > 0 ? retryAfterSec * 1000 : backoff));
    }
  }

  #sendOnce(send: Send): Promise<StorageAnswer> {
    this.requestCounts[kindOf(send)] += 1;
    const path = `${this.#endpointPath}/${send.path}`;
    const sas = this.#account.sharedAccessSignature;
    const query = [send.query, this.#key ? undefined : sas].filter(Boolean).join("&");
    const date = new Date().toUTCString();
    const headers: Record<string, string | number> = {
      Accept: JSON_ACCEPT,
      ...send.headers,
      "x-ms-date": date,
      "x-ms-version": SERVICE_VERSION,
      DataServiceVersion: "3.0;",
    };
    if (this.#key) {
      // Shared Key Lite for the Table service: the date and the account-qualified resource path.
      const signature = createHmac("sha256", this.#key)
        .update(`${date}\n/${this.#account.accountName}${path}`, "utf8")
        .digest("base64");
      headers.Authorization = `SharedKeyLite ${this.#account.accountName}:${signature}`;
    }
    const body = send.body === undefined ? undefined : Buffer.from(send.body, "utf8");
    if (body) headers["Content-Length"] = body.length;
    const target = query ? `${path}?${query}` : path;
    return exchange(
      this.#endpoint,
      this.#agent,
      { method: send.method, path: target, headers, body },
      this.#requestTimeoutMs,
    );
  }
}

function kindOf(send: Send): TableRequestKind {
  if (send.path === "$batch") return "transaction";
  if (send.path === "Tables") return "table";
  if (send.method === "DELETE") return "delete";
  if (send.method !== "GET") return "write";
  return send.path.endsWith("()") ? "query" : "read";
}

function header(answer: StorageAnswer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function etagOf(answer: StorageAnswer): string | undefined {
  return header(answer, "etag");
}

/** A continuation as `@azure/data-tables` encodes it (base64 JSON), so tokens outlive a change of client. */
function encodeContinuation(nextPartitionKey?: string, nextRowKey?: string): string | undefined {
  if (!nextPartitionKey) return undefined;
  return Buffer.from(JSON.stringify({ nextPartitionKey, ...(nextRowKey ? { nextRowKey } : {}) })).toString(
    "base64",
  );
}

function decodeContinuation(token: string): { nextPartitionKey: string; nextRowKey?: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as {
      nextPartitionKey?: unknown;
      nextRowKey?: unknown;
    };
    if (typeof parsed.nextPartitionKey !== "string") return undefined;
    return {
      nextPartitionKey: parsed.nextPartitionKey,
      ...(typeof parsed.nextRowKey === "string" ? { nextRowKey: parsed.nextRowKey } : {}),
    };
  } catch {
    return undefined;
  }
}
