/** Reading requests and writing JSON answers on node's HTTP objects. */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Larger bodies are refused: no ARM request the provisioner sends comes near it. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Reads the whole request body (rejects beyond {@link MAX_BODY_BYTES}). */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Writes a JSON answer (or an empty one when `body` is undefined). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent) return;
  const payload = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...(body === undefined ? {} : { "Content-Type": "application/json; charset=utf-8" }),
    "Content-Length": Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}
