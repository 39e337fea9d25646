/**
 * Node's HTTP messages to and from the real `@azure/functions` objects: an incoming request becomes an
 * `HttpRequest` (url, method, headers, route params, body), and whatever an HTTP handler returns is turned
 * into status, headers, cookies and body the way the worker's `toRpcHttp` does.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { HttpRequest, HttpResponse, type Cookie, type HttpResponseInit } from "@azure/functions";

/** Thrown when a request body exceeds the host's limit; answered with 413. */
export interface RequestTooLargeError extends Error {
  readonly isRequestTooLargeError: true;
}

/** Whether `error` is a {@link RequestTooLargeError}. */
export function isRequestTooLargeError(error: unknown): error is RequestTooLargeError {
  return error instanceof Error && (error as Partial<RequestTooLargeError>).isRequestTooLargeError === true;
}

/** Thrown when a handler returns something that is not an HTTP response; the worker fails such invocations. */
export interface InvalidHttpResultError extends Error {
  readonly isInvalidHttpResultError: true;
}

/** Whether `error` is an {@link InvalidHttpResultError}. */
export function isInvalidHttpResultError(error: unknown): error is InvalidHttpResultError {
  return (
    error instanceof Error && (error as Partial<InvalidHttpResultError>).isInvalidHttpResultError === true
  );
}

/** The real host's request body limit: 100 MiB. */
export const DEFAULT_MAX_REQUEST_BODY_BYTES = 100 * 1024 * 1024;

/** Reads the whole body, refusing more than `maxBytes`. */
export async function readRequestBody(
  request: IncomingMessage,
  maxBytes = DEFAULT_MAX_REQUEST_BODY_BYTES,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      throw Object.assign(new Error(`request body exceeds ${maxBytes} bytes`), {
        isRequestTooLargeError: true as const,
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/**
 * A real `HttpRequest` for one incoming request. The query is left to the request to derive from `url`,
 * so repeated parameters survive (`query.getAll`).
 */
export function toFunctionsRequest(
  request: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  body: Buffer,
): HttpRequest {
  return new HttpRequest({
    method: request.method ?? "GET",
    url: url.toString(),
    headers: flattenHeaders(request.headers),
    params,
    ...(body.length > 0 ? { body: { bytes: body } } : {}),
  });
}

function serializeCookie(cookie: Cookie): string {
  const parts = [`${cookie.name}=${encodeURIComponent(cookie.value)}`];
  if (cookie.domain) parts.push(`Domain=${cookie.domain}`);
  if (cookie.path) parts.push(`Path=${cookie.path}`);
  if (cookie.expires !== undefined) parts.push(`Expires=${new Date(cookie.expires).toUTCString()}`);
  if (cookie.maxAge !== undefined) parts.push(`Max-Age=${cookie.maxAge}`);
  if (cookie.secure) parts.push("Secure");
  if (cookie.httpOnly) parts.push("HttpOnly");
  if (cookie.sameSite) parts.push(`SameSite=${cookie.sameSite}`);
  return parts.join("; ");
}

/** An `HttpResponse`, also from another copy of `@azure/functions` (where `instanceof` would fail). */
function isResponseLike(value: object): value is HttpResponse {
  const candidate = value as Partial<HttpResponse>;
  return typeof candidate.arrayBuffer === "function" && typeof candidate.status === "number";
}

/**
 * Writes an HTTP handler's result: an `HttpResponse`, or an `HttpResponseInit` (`status`, `headers`,
 * `body`, `jsonBody`, `cookies`) turned into one as the worker does. `undefined`/`null` is answered with
 * 204, as the host answers a function that sets no response.
 * @throws InvalidHttpResultError when the result is not an object (nothing is written then).
 */
export async function writeFunctionsResponse(result: unknown, response: ServerResponse): Promise<void> {
  if (result === undefined || result === null) {
    response.writeHead(204).end();
    return;
  }
  if (typeof result !== "object") {
    throw Object.assign(
      new Error(
        'The HTTP response must be an object with optional properties "body", "status", "headers", and "cookies".',
      ),
      { isInvalidHttpResultError: true as const },
    );
  }
  const functionsResponse = isResponseLike(result) ? result : new HttpResponse(result as HttpResponseInit);
  const body = Buffer.from(await functionsResponse.arrayBuffer());
  const headers: [string, string][] = [];
  const setCookies: string[] = [];
  for (const [name, value] of functionsResponse.headers.entries()) {
    // Headers joins multiple Set-Cookie values with ", ", which would corrupt cookies with dates.
    if (name !== "set-cookie") headers.push([name, value]);
  }
  setCookies.push(
    ...functionsResponse.headers.getSetCookie(),
    ...(functionsResponse.cookies ?? []).map(serializeCookie),
  );
  for (const [name, value] of headers) response.setHeader(name, value);
  if (setCookies.length > 0) response.setHeader("set-cookie", setCookies);
  response.setHeader("content-length", body.length);
  response.writeHead(functionsResponse.status);
  response.end(body);
}
