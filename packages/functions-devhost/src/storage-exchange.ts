/**
 * One request to a storage service over a kept-alive connection, its whole answer read as text: what
 * the devhost's own storage clients (the engine's table, the queue triggers' poll) share.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** A service's answer. */
export interface StorageAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A request, relative to the endpoint's host. */
export interface StorageRequest {
  readonly method: string;
  /** Path and query string. */
  readonly path: string;
  readonly headers: Record<string, string | number>;
  readonly body?: Buffer;
}

/**
 * A keep-alive agent for `endpoint`'s scheme. Kept-alive sockets are unreferenced while idle, so they
 * never keep the process running.
 */
export function keepAliveAgent(endpoint: URL): HttpAgent | HttpsAgent {
  return endpoint.protocol === "https:"
    ? new HttpsAgent({ keepAlive: true })
    : new HttpAgent({ keepAlive: true });
}

/**
 * Sends `send` to `endpoint` through `agent` and reads the answer.
 * @throws the network's error, or one with code `ETIMEDOUT` when no answer came within `timeoutMs`
 */
export function exchange(
  endpoint: URL,
  agent: HttpAgent | HttpsAgent,
  send: StorageRequest,
  timeoutMs: number,
): Promise<StorageAnswer> {
  const request = endpoint.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<StorageAnswer>((resolve, reject) => {
    const outgoing = request(
      {
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        port: endpoint.port,
        method: send.method,
        path: send.path,
        headers: send.headers,
        agent,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("error", reject);
        incoming.on("end", () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: chunks.length === 0 ? "" : Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    outgoing.setTimeout(timeoutMs, () =>
      outgoing.destroy(Object.assign(new Error(`no answer in ${timeoutMs} ms`), { code: "ETIMEDOUT" })),
    );
    outgoing.on("error", reject);
    outgoing.end(send.body);
  });
}
