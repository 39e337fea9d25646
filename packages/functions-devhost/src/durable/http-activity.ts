/**
 * The built-in activity behind `context.df.callHttp` (`BuiltIn::HttpActivity`), as the Durable extension
 * runs it: one HTTP request, answered with a `DurableHttpResponse` — `statusCode`, the response's
 * non-content `headers` (one value as a string, several as an array) and `content` as text. Polling a
 * 202 with `Location` is the library's own job under replay schema V3 (a durable timer, then the call
 * again), so one call here is one request.
 */
import type { WireHttpRequest } from "./history";

/** `DurableHttpResponse` as the library reads it from the activity's result. */
export interface DurableHttpResponseWire {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly content: string;
}

/** .NET's `HttpContentHeaders`: the extension copies only `HttpResponseMessage.Headers`, not these. */
const CONTENT_HEADERS: ReadonlySet<string> = new Set([
  "allow",
  "content-disposition",
  "content-encoding",
  "content-language",
  "content-length",
  "content-location",
  "content-md5",
  "content-range",
  "content-type",
  "expires",
  "last-modified",
]);

/** .NET `HttpClient`'s default timeout, which the extension's client keeps. */
const REQUEST_TIMEOUT_MS = 100_000;

/** The App Service managed-identity protocol's API version (the one `@azure/identity` speaks). */
const IDENTITY_API_VERSION = "2019-08-01";

/** A bearer token for `resource` from the App Service managed-identity endpoint the settings name. */
async function managedIdentityToken(resource: string, env: NodeJS.ProcessEnv): Promise<string> {
  const endpoint = env.IDENTITY_ENDPOINT;
  const header = env.IDENTITY_HEADER;
  if (!endpoint || !header) {
    throw new Error(
      "callHttp with a managed identity token source needs a managed identity: IDENTITY_ENDPOINT and IDENTITY_HEADER are not set",
    );
  }
  const url = new URL(endpoint);
  url.searchParams.set("resource", resource);
  url.searchParams.set("api-version", IDENTITY_API_VERSION);
  const response = await fetch(url, { headers: { "X-IDENTITY-HEADER": header } });
  const body = (await response.json().catch(() => ({}))) as { access_token?: unknown };
  if (!response.ok || typeof body.access_token !== "string") {
    throw new Error(`the managed identity endpoint answered ${response.status} for resource '${resource}'`);
  }
  return body.access_token;
}

function responseHeaders(headers: Headers): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  headers.forEach((value, name) => {
    if (CONTENT_HEADERS.has(name) || name === "set-cookie") return;
    result[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) result["set-cookie"] = cookies.length === 1 ? (cookies[0] as string) : cookies;
  return result;
}

/**
 * Performs `request` and returns the response, whatever its status.
 * @throws when the request cannot be sent or answered (the activity, and so the `callHttp` task, fails).
 */
export async function callDurableHttp(
  request: WireHttpRequest,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DurableHttpResponseWire> {
  if (typeof request?.uri !== "string" || request.uri === "") {
    throw new Error("the HTTP request has no uri");
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    for (const one of typeof value === "string" ? [value] : value) headers.append(name, one);
  }
  if (request.tokenSource) {
    headers.set("Authorization", `Bearer ${await managedIdentityToken(request.tokenSource.resource, env)}`);
  }
  const method = (request.method || "GET").toUpperCase();
  const response = await fetch(request.uri, {
    method,
    headers,
    ...(request.content !== undefined && request.content !== null && method !== "GET" && method !== "HEAD"
      ? { body: request.content }
      : {}),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return {
    statusCode: response.status,
    headers: responseHeaders(response.headers),
    content: await response.text(),
  };
}
