/**
 * GET over HTTPS with an extra trusted CA, answering a WHATWG `Response` (what jose's `customFetch`
 * expects). Node's global fetch takes no CA per request, and the emulator's authority is served with the
 * emulator's own CA (`PROVISIONER_CA_CERT_PATH`); against Entra no CA is given and the system's trust
 * store applies, as for any https request.
 */
import { request } from "node:https";

/** Largest answer read: discovery documents and key sets are a few KiB. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Options of {@link httpsGet}. */
export interface HttpsGetOptions {
  /** Extra CA certificates (PEM) to trust. @default - the system's */
  readonly ca?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** GETs `url` (https only; redirects are not followed, as jose asks). */
export function httpsGet(url: string, options: HttpsGetOptions = {}): Promise<Response> {
  if (!url.startsWith("https://")) return Promise.reject(new Error(`refusing to fetch ${url}: https only`));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "GET",
        headers: { accept: "application/json", ...options.headers },
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            req.destroy(new Error(`${url} answered more than ${MAX_BODY_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === "string") headers.set(name, value);
          }
          const status = res.statusCode ?? 502;
          // A Response cannot carry a body with these statuses.
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers }));
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}
