/**
 * The HTTP front of the devhost: registered HTTP triggers at `/<routePrefix>/<route>` with methods,
 * route parameters and `authLevel` enforced, extension endpoints (the Durable webhooks) mounted beside
 * them, and handler failures answered with a bare 500 (the error is logged, never sent to the client).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { CapturedFunction, FunctionRegistry } from "./contracts";
import { isAuthorized, presentedKey, type AccessLevel, type FunctionKeys } from "./function-keys";
import {
  DEFAULT_MAX_REQUEST_BODY_BYTES,
  isRequestTooLargeError,
  readRequestBody,
  toFunctionsRequest,
  writeFunctionsResponse,
} from "./http-conversion";
import {
  consoleLog,
  describeError,
  invokeFunction,
  type DevhostLog,
  type ExtraInputsProvider,
} from "./invoke";
import { listenOnLoopback } from "./loopback-server";
import { bindingDataOf, type BindingData } from "./binding-expressions";
import type { OutputBindingWriter } from "./output-bindings";
import { compareRoutePrecedence, parseRouteTemplate, type RouteTemplate } from "./routes";

/** An endpoint family served beside the functions, e.g. the Durable extension's webhooks. */
export interface HttpMount {
  /** Requests whose path starts with this (e.g. `/runtime/webhooks/durabletask`) go to {@link handle}. */
  readonly pathPrefix: string;
  /** Key required before {@link handle} is called. */
  readonly accessLevel: AccessLevel;
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
}

/** Options for {@link startHttpHost}. */
export interface HttpHostOptions {
  readonly registry: FunctionRegistry;
  readonly keys: FunctionKeys;
  /** Loopback port; 0 picks a free one. @default 7071 */
  readonly port?: number;
  /** Path segment before every function route (host.json `extensions.http.routePrefix`). @default "api" */
  readonly routePrefix?: string;
  /** Values of extra input bindings (durable client payloads) per invocation. @default - none */
  readonly extraInputs?: ExtraInputsProvider;
  /** @default - none */
  readonly mounts?: readonly HttpMount[];
  /** @default 100 MiB, the real host's limit */
  readonly maxRequestBodyBytes?: number;
  /** Writes the functions' output bindings. @default - see {@link invokeFunction} */
  readonly outputs?: OutputBindingWriter;
  /** @default console */
  readonly log?: DevhostLog;
}

/** A listening HTTP host. */
export interface RunningHttpHost {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** The HTTP functions served, with their full paths and methods, for the start-up listing. */
  readonly routes: readonly { name: string; methods: readonly string[]; path: string; authLevel: string }[];
  /** Stops accepting requests, lets in-flight ones finish up to `graceMs`, then drops them. @default 5000 */
  stop(graceMs?: number): Promise<void>;
}

interface HttpFunction {
  readonly fn: CapturedFunction;
  readonly route: RouteTemplate;
  readonly methods: readonly string[];
  readonly authLevel: AccessLevel;
}

const AUTH_LEVELS: readonly AccessLevel[] = ["anonymous", "function", "admin"];

function describeHttpFunction(fn: CapturedFunction, routePrefix: string): HttpFunction {
  const trigger = fn.trigger as { route?: unknown; methods?: unknown; authLevel?: unknown };
  const routeText = typeof trigger.route === "string" && trigger.route !== "" ? trigger.route : fn.name;
  const prefix = routePrefix === "" ? "" : `${routePrefix}/`;
  const methods = Array.isArray(trigger.methods)
    ? trigger.methods.map((method) => String(method).toUpperCase())
    : ["GET", "POST"];
  const authLevel = String(trigger.authLevel ?? "anonymous").toLowerCase() as AccessLevel;
  if (!AUTH_LEVELS.includes(authLevel)) {
    throw new Error(`function "${fn.name}": unknown authLevel "${String(trigger.authLevel)}"`);
  }
  return { fn, route: parseRouteTemplate(prefix + routeText.replace(/^\/+/, "")), methods, authLevel };
}

/**
 * Binding data of an HTTP invocation, as the host offers it: the JSON body's properties, route
 * parameters, `query` and `headers`.
 */
function httpBindingData(
  params: Readonly<Record<string, string>>,
  url: URL,
  request: IncomingMessage,
  body: Buffer,
): BindingData {
  let payload: unknown;
  try {
    payload = body.length > 0 ? (JSON.parse(body.toString("utf8")) as unknown) : undefined;
  } catch {
    payload = undefined;
  }
  return bindingDataOf(payload, {
    ...params,
    query: Object.fromEntries(url.searchParams),
    headers: { ...request.headers },
  });
}

function answer(response: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  if (!response.headersSent) response.writeHead(status, headers);
  response.end();
}

/**
 * Serves the registry's HTTP triggers on 127.0.0.1. Keys: `function` triggers need the function (or
 * master) key, `admin` ones the master key, in `x-functions-key` or `?code=`; otherwise 401.
 * @throws RouteTemplateError when a function's route cannot be parsed (before listening).
 */
export async function startHttpHost(options: HttpHostOptions): Promise<RunningHttpHost> {
  const log = options.log ?? consoleLog;
  const routePrefix = (options.routePrefix ?? "api").replace(/^\/+|\/+$/g, "");
  const maxBodyBytes = options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES;
  const functions = options.registry
    .byTriggerType("httpTrigger")
    .map((fn) => describeHttpFunction(fn, routePrefix))
    .sort((a, b) => compareRoutePrecedence(a.route, b.route));
  const mounts = [...(options.mounts ?? [])];
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  async function serveFunction(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = (request.method ?? "GET").toUpperCase();
    const candidates = functions
      .map((candidate) => ({ candidate, params: candidate.route.match(url.pathname) }))
      .filter((found) => found.params !== undefined);
    if (candidates.length === 0) {
      log("information", `No function matches ${method} ${url.pathname}`);
      return answer(response, 404);
    }
    const chosen = candidates.find(({ candidate }) => candidate.methods.includes(method));
    if (!chosen) {
      const allowed = [...new Set(candidates.flatMap(({ candidate }) => candidate.methods))];
      return answer(response, 405, { allow: allowed.join(", ") });
    }
    const { candidate, params } = chosen;
    if (
      !isAuthorized(candidate.authLevel, presentedKey(request.headers["x-functions-key"], url), options.keys)
    ) {
      return answer(response, 401);
    }
    let body: Buffer;
    try {
      body = await readRequestBody(request, maxBodyBytes);
    } catch (error) {
      if (isRequestTooLargeError(error)) return answer(response, 413, { connection: "close" });
      throw error;
    }
    const functionsRequest = toFunctionsRequest(request, url, params ?? {}, body);
    let result: unknown;
    try {
      result = await invokeFunction(candidate.fn, functionsRequest, {
        log,
        bindingData: httpBindingData(params ?? {}, url, request, body),
        ...(options.extraInputs ? { extraInputs: options.extraInputs } : {}),
        ...(options.outputs ? { outputs: options.outputs } : {}),
      });
    } catch {
      // invokeFunction logged the error with its stack; the client learns nothing about it.
      return answer(response, 500);
    }
    try {
      await writeFunctionsResponse(result, response);
    } catch (error) {
      log(
        "error",
        `Function '${candidate.fn.name}' returned an invalid HTTP response: ${describeError(error)}`,
      );
      answer(response, 500);
    }
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", `http://${request.headers.host ?? "127.0.0.1"}`);
    if (stopping) return answer(response, 503, { connection: "close" });
    const mount = mounts.find((candidate) => url.pathname.startsWith(candidate.pathPrefix));
    if (mount) {
      if (
        !isAuthorized(mount.accessLevel, presentedKey(request.headers["x-functions-key"], url), options.keys)
      ) {
        return answer(response, 401);
      }
      return mount.handle(request, response, url);
    }
    // The real host answers this without a key; launchers use it to wait for readiness.
    if (url.pathname === "/admin/host/ping") return answer(response, 200);
    const prefix = routePrefix === "" ? "/" : `/${routePrefix}/`;
    if (url.pathname.startsWith(prefix) || url.pathname === `/${routePrefix}`) {
      return serveFunction(request, response, url);
    }
    return answer(response, 404);
  }

  const server: Server = createServer((request, response) => {
    const work = serve(request, response).catch((error: unknown) => {
      log("error", `Request ${request.method} ${request.url?.split("?")[0]} failed: ${describeError(error)}`);
      answer(response, 500);
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  const listener = await listenOnLoopback(server, options.port ?? 7071);
  const port = listener.port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    routes: functions.map(({ fn, route, methods, authLevel }) => ({
      name: fn.name,
      methods,
      path: `/${route.template}`,
      authLevel,
    })),
    async stop(graceMs = 5000) {
      if (stopping) return;
      stopping = true;
      await listener.close(graceMs, inFlight);
    },
  };
}
