/**
 * Entity-group transactions over the Table service's `$batch` endpoint: the operations go as one
 * `multipart/mixed` change set of HTTP requests, and the answer is a change set of HTTP responses, one
 * per operation in order, or only the failing one's (with its status and error) when the change set was
 * rolled back. See "Performing entity group transactions" in the Table service REST reference.
 */
import { randomUUID } from "node:crypto";
import { entityBody, entityPath, errorOf, JSON_ACCEPT, type TableAction } from "./table-entities";

const CRLF = "\r\n";

/** A `$batch` request body and the content type naming its boundary. */
export interface BatchRequest {
  readonly contentType: string;
  readonly body: string;
}

/** One operation's answer. */
export interface BatchSubResponse {
  readonly status: number;
  readonly etag?: string;
  /** The service's error code and message, when the operation failed. */
  readonly error?: { readonly code?: string; readonly message: string };
}

/** The method, conditional header and body of one operation. */
function operationOf(action: TableAction): { method: string; ifMatch?: string; body?: string } {
  switch (action[0]) {
    case "create":
      return { method: "POST", body: entityBody(action[1]) };
    case "delete":
      return { method: "DELETE", ifMatch: action[2]?.etag ?? "*" };
    case "update":
      return {
        method: (action[2] ?? "Merge") === "Merge" ? "MERGE" : "PUT",
        ifMatch: action[3]?.etag ?? "*",
        body: entityBody(action[1]),
      };
    case "upsert":
      // No If-Match: insert or merge/replace.
      return { method: (action[2] ?? "Merge") === "Merge" ? "MERGE" : "PUT", body: entityBody(action[1]) };
  }
}

/** The `$batch` body of `actions` on `table` of the service at `endpoint`, as one change set. */
export function batchRequest(endpoint: string, table: string, actions: readonly TableAction[]): BatchRequest {
  const batch = `batch_${randomUUID()}`;
  const changeset = `changeset_${randomUUID()}`;
  const lines = [`--${batch}`, `Content-Type: multipart/mixed; boundary=${changeset}`, ""];
  for (const action of actions) {
    const { method, ifMatch, body } = operationOf(action);
    const target =
      action[0] === "create" ? table : entityPath(table, action[1].partitionKey, action[1].rowKey);
    lines.push(
      `--${changeset}`,
      "Content-Type: application/http",
      "Content-Transfer-Encoding: binary",
      "",
      `${method} ${endpoint}/${target} HTTP/1.1`,
      `Accept: ${JSON_ACCEPT}`,
      "DataServiceVersion: 3.0;",
    );
    if (ifMatch !== undefined) lines.push(`If-Match: ${ifMatch}`);
    if (body !== undefined) {
      lines.push("Content-Type: application/json", "Prefer: return-no-content", "", body);
    } else {
      lines.push("");
    }
  }
  lines.push(`--${changeset}--`, "", `--${batch}--`, "");
  return { contentType: `multipart/mixed; boundary=${batch}`, body: lines.join(CRLF) };
}

/** The operations' answers from a `$batch` response body, in order. */
export function parseBatchResponse(body: string): BatchSubResponse[] {
  // Each answer follows a change-set boundary line: `--changesetresponse_<id>`.
  const parts = body.split(/--changesetresponse_[^\r\n]*/).slice(1);
  const answers: BatchSubResponse[] = [];
  for (const part of parts) {
    const statusLine = /HTTP\/1\.1 (\d{3})/.exec(part);
    if (!statusLine) continue; // the closing boundary
    const status = Number(statusLine[1]);
    const etag = /^ETag:\s*(.+?)\s*$/im.exec(part)?.[1];
    answers.push({
      status,
      ...(etag ? { etag } : {}),
      ...(status >= 300 ? { error: errorOf(part.slice(part.indexOf("{"))) } : {}),
    });
  }
  return answers;
}
