/**
 * The Durable management HTTP API over a {@link DurableEngine}: the RPC routes `df.getClient()` calls
 * (relative to `rpcBaseUrl`) and the public webhook routes the check-status URLs point at
 * (`/runtime/webhooks/durabletask/…`). Same operations, status codes and bodies as the real host.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DurableEngine, InstanceStatus, RuntimeStatus } from "../contracts";
import { durableClientBinding, INSTANCE_ID_PLACEHOLDER, WEBHOOK_BASE_PATH } from "./client-binding";
import { isDurableEngineError, type DurableErrorKind } from "./errors";

/** Options of {@link createManagementHandler}. */
export interface ManagementApiOptions {
  readonly engine: DurableEngine;
  readonly taskHubName: string;
  /** Path of the RPC routes, e.g. `/durabletask/` (the path of the binding's `rpcBaseUrl`). */
  readonly rpcBasePath: string;
  /** Path of the public webhook routes. @default "/runtime/webhooks/durabletask" */
  readonly webhookBasePath?: string;
  /**
   * Key the webhook routes require (`code` query parameter or `x-functions-key` header), as the real
   * host's durable extension system key. The RPC routes, like the real host's, take no key.
   * @default - no key required
   */
  readonly systemKey?: string;
  /** Largest request body accepted, in bytes. @default 16 MiB */
  readonly maxBodyBytes?: number;
}

/** Serves a request if it belongs to the API; resolves `false` (nothing written) otherwise. */
export type ManagementHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

interface RouteContext {
  readonly engine: DurableEngine;
  /** Path groups, URI-decoded; `undefined` for an optional group that did not match. */
  readonly params: readonly (string | undefined)[];
  readonly query: URLSearchParams;
  readonly request: IncomingMessage;
  readonly origin: string;
  readonly taskHubName: string;
  readonly systemKey?: string;
  readBody(): Promise<unknown>;
}

interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

interface Route {
  readonly method: string;
  /** Matched against the path after the base path; groups are URI-decoded into `params`. */
  readonly pattern: RegExp;
  handle(ctx: RouteContext): Promise<Reply>;
  /** Status for each engine error kind this route expects. */
  readonly errors?: Partial<Record<DurableErrorKind, number>>;
}

const ERROR_STATUS: Record<DurableErrorKind, number> = {
  "instance-not-found": 404,
  "instance-not-running": 410,
  "invalid-request": 400,
  "instance-exists": 409,
  "precondition-failed": 412,
};

/** Status code of a status body: 200 done, 400 failed or terminated, 202 still going (real host). */
function statusCodeOf(status: InstanceStatus): number {
  if (status.runtimeStatus === "Completed") return 200;
  if (status.runtimeStatus === "Failed" || status.runtimeStatus === "Terminated") return 400;
  return 202;
}

const flag = (query: URLSearchParams, name: string): boolean | undefined =>
  query.has(name) ? query.get(name)?.toLowerCase() === "true" : undefined;

const date = (query: URLSearchParams, name: string): Date | undefined => {
  const value = query.get(name);
  return value ? new Date(value) : undefined;
};

/** An operation on one running instance: 202 when accepted. */
function instanceOperation(
  operation: (engine: DurableEngine, id: string, reason: string | undefined) => Promise<void>,
): Route["handle"] {
  return async ({ engine, params, query }) => {
    await operation(engine, params[0] ?? "", query.get("reason") ?? undefined);
    return { status: 202 };
  };
}

/** Durable entities are not run by this host: their routes say so, rather than answer "no such entity". */
const entitiesNotRun: Route["handle"] = () =>
  Promise.resolve({
    status: 501,
    body: { error: "durable entities are not run by the devhost (see its README, What runs)" },
  });

const ROUTES: readonly Route[] = [
  { method: "GET", pattern: /^entities(?:\/.*)?$/, handle: entitiesNotRun },
  { method: "POST", pattern: /^entities(?:\/.*)?$/, handle: entitiesNotRun },
  {
    method: "POST",
    pattern: /^orchestrators\/([^/]+)(?:\/([^/]+))?$/,
    async handle({ engine, params, readBody, origin, taskHubName, systemKey }) {
      const input = await readBody();
      const id = await engine.startNew(params[0] ?? "", { instanceId: params[1], input });
      const urls = durableClientBinding({
        taskHubName,
        origin,
        rpcBaseUrl: origin,
        systemKey,
      }).managementUrls;
      const body: Record<string, string> = { id };
      for (const [name, url] of Object.entries(urls))
        if (name !== "id") body[name] = url.replace(INSTANCE_ID_PLACEHOLDER, id);
      return { status: 202, body, headers: { Location: body.statusQueryGetUri ?? "", "Retry-After": "10" } };
    },
    errors: { "invalid-request": 400, "instance-exists": 409 },
  },
  {
    method: "GET",
    pattern: /^instances\/?$/,
    async handle({ engine, query, request }) {
      const statuses = query.get("runtimeStatus");
      const top = query.get("top");
      const token = request.headers["x-ms-continuation-token"];
      const page = await engine.listInstances({
        createdTimeFrom: date(query, "createdTimeFrom"),
        createdTimeTo: date(query, "createdTimeTo"),
        runtimeStatus: statuses ? (statuses.split(",").map((s) => s.trim()) as RuntimeStatus[]) : undefined,
        instanceIdPrefix: query.get("instanceIdPrefix") ?? undefined,
        top: top ? Number(top) : undefined,
        continuationToken: typeof token === "string" && token ? token : undefined,
      });
      const headers: Record<string, string> = page.continuationToken
        ? { "x-ms-continuation-token": page.continuationToken }
        : {};
      return { status: 200, body: page.instances, headers };
    },
  },
  {
    method: "GET",
    pattern: /^instances\/([^/]+)$/,
    async handle({ engine, params, query }) {
      const status = await engine.getStatus(params[0] ?? "", {
        showHistory: flag(query, "showHistory"),
        showHistoryOutput: flag(query, "showHistoryOutput"),
        showInput: flag(query, "showInput"),
      });
      if (!status) return { status: 404 };
      return { status: statusCodeOf(status), body: status };
    },
  },
  {
    method: "POST",
    pattern: /^instances\/([^/]+)\/raiseEvent\/([^/]+)$/,
    async handle({ engine, params, readBody }) {
      await engine.raiseEvent(params[0] ?? "", params[1] ?? "", await readBody());
      return { status: 202 };
    },
  },
  {
    method: "POST",
    pattern: /^instances\/([^/]+)\/restart$/,
    async handle({ engine, params, query }) {
      // As the real host: same name and input, under a new id unless restartWithNewInstanceId=false.
      const previous = await engine.getStatus(params[0] ?? "");
      if (!previous) return { status: 404 };
      const sameId = query.get("restartWithNewInstanceId")?.toLowerCase() === "false";
      const id = await engine.startNew(previous.name, {
        instanceId: sameId ? previous.instanceId : undefined,
        input: previous.input ?? undefined,
      });
      return { status: 202, body: { id } };
    },
  },
  {
    method: "POST",
    pattern: /^instances\/([^/]+)\/terminate$/,
    handle: instanceOperation((e, id, r) => e.terminate(id, r)),
  },
  {
    method: "POST",
    pattern: /^instances\/([^/]+)\/suspend$/,
    handle: instanceOperation((e, id, r) => e.suspend(id, r)),
  },
  {
    method: "POST",
    pattern: /^instances\/([^/]+)\/resume$/,
    handle: instanceOperation((e, id, r) => e.resume(id, r)),
  },
  {
    method: "POST",
    pattern: /^instances\/([^/]+)\/rewind$/,
    handle: instanceOperation((e, id, r) => e.rewind(id, r)),
  },
  {
    method: "DELETE",
    pattern: /^instances\/([^/]+)$/,
    async handle({ engine, params }) {
      const deleted = await engine.purge(params[0] ?? "");
      return deleted > 0 ? { status: 200, body: { instancesDeleted: deleted } } : { status: 404 };
    },
  },
  {
    method: "DELETE",
    pattern: /^instances\/?$/,
    async handle({ engine, query }) {
      const statuses = query.get("runtimeStatus");
      const { instances } = await engine.listInstances({
        createdTimeFrom: date(query, "createdTimeFrom"),
        createdTimeTo: date(query, "createdTimeTo"),
        runtimeStatus: statuses ? (statuses.split(",").map((s) => s.trim()) as RuntimeStatus[]) : undefined,
      });
      let deleted = 0;
      for (const instance of instances) deleted += await engine.purge(instance.instanceId);
      return deleted > 0 ? { status: 200, body: { instancesDeleted: deleted } } : { status: 404 };
    },
  },
];

function keyMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes)
      throw Object.assign(new Error(`request body over ${maxBytes} bytes`), { status: 413 });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw Object.assign(new Error("request body is not valid JSON"), { status: 400 });
  }
}

function send(response: ServerResponse, reply: Reply): void {
  const body = reply.body === undefined ? "" : JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    ...(body ? { "Content-Type": "application/json; charset=utf-8" } : {}),
    ...reply.headers,
  });
  response.end(body);
}

/** Builds the handler; mount it before the app's own routes. */
export function createManagementHandler(options: ManagementApiOptions): ManagementHandler {
  const rpcBase = options.rpcBasePath.endsWith("/") ? options.rpcBasePath : `${options.rpcBasePath}/`;
  const webhookBase = `${(options.webhookBasePath ?? WEBHOOK_BASE_PATH).replace(/\/+$/, "")}/`;
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  return async (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const isWebhook = url.pathname.startsWith(webhookBase);
    const base = isWebhook ? webhookBase : url.pathname.startsWith(rpcBase) ? rpcBase : undefined;
    if (!base) return false;
    const path = url.pathname.slice(base.length);
    const method = (request.method ?? "GET").toUpperCase();
    const candidates = ROUTES.filter((route) => route.pattern.test(path));
    const route = candidates.find((candidate) => candidate.method === method);
    if (!route) {
      send(response, {
        status: candidates.length > 0 ? 405 : 404,
        body: { error: `no route for ${method} ${path}` },
      });
      return true;
    }
    if (isWebhook && options.systemKey) {
      const given =
        url.searchParams.get("code") ?? (request.headers["x-functions-key"] as string | undefined);
      if (!keyMatches(options.systemKey, given ?? undefined)) {
        send(response, { status: 401 });
        return true;
      }
    }
    const params = (route.pattern.exec(path) ?? [])
      .slice(1)
      .map((p) => (p === undefined ? undefined : decodeURIComponent(p)));
    const origin = `http://${request.headers.host ?? "127.0.0.1"}`;
    try {
      const reply = await route.handle({
        engine: options.engine,
        params,
        query: url.searchParams,
        request,
        origin,
        taskHubName: options.taskHubName,
        systemKey: options.systemKey,
        readBody: () => readJsonBody(request, maxBodyBytes),
      });
      send(response, reply);
    } catch (error) {
      if (isDurableEngineError(error)) {
        send(response, {
          status: route.errors?.[error.kind] ?? ERROR_STATUS[error.kind],
          body: { error: error.message },
        });
      } else {
        const status = (error as { status?: number }).status;
        const message = error instanceof Error ? error.message : String(error);
        send(response, {
          status: status ?? 500,
          body: { error: status ? message : "internal error in the durable engine" },
        });
        if (!status) console.error(`[durable management] ${method} ${path}: ${message}`);
      }
    }
    return true;
  };
}
