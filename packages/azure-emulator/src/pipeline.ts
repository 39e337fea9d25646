/**
 * The generic middleware every listener runs before its handler, ARM and data planes alike: read the
 * body, apply injected HTTP faults, answer, and record the request in the log and counters.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ArmError, isArmError } from "./errors.js";
import type { FaultInjector } from "./faults.js";
import { readBody, sendJson } from "./http-util.js";
import type { RequestCategory, RequestMetrics } from "./metrics.js";

/** What the middleware knows about a request before its handler runs. */
export interface RequestFacts {
  readonly method: string;
  readonly url: URL;
  readonly path: string;
  readonly body: Buffer;
}

/** Classification of a request (computed once the body is read). */
export interface RequestClass {
  readonly category: RequestCategory;
  readonly resourceType: string;
  /** Skip fault injection (the admin API). */
  readonly exempt?: boolean;
}

export interface PipelineDeps {
  readonly metrics: RequestMetrics;
  readonly faults: FaultInjector;
  now(): number;
  /** The emulator's current time scale: injected Retry-After values are real-Azure seconds. */
  timeScale(): number;
}

/** The ARM error body an injected HTTP fault answers with. */
function faultError(
  status: number,
  code: string | undefined,
  message: string | undefined,
  retryAfterSec: number | undefined,
  timeScale: number,
): ArmError {
  const defaults: Record<number, string> = {
    429: "TooManyRequests",
    500: "InternalServerError",
    503: "ServiceUnavailable",
  };
  return new ArmError(
    status,
    code ?? defaults[status] ?? "InjectedFault",
    message ?? `Injected fault: HTTP ${status}.`,
    retryAfterSec === undefined ? {} : retryAfterHeaders(retryAfterSec * 1000 * timeScale),
  );
}

/**
 * `Retry-After` for a scaled wait, as the built-in throttling answers it: whole seconds (0 stays 0, the
 * "retry at once" answer), and `retry-after-ms` with the exact scaled wait, which the SDK prefers.
 */
function retryAfterHeaders(waitMs: number): Record<string, string> {
  const ms = Math.ceil(waitMs);
  return { "Retry-After": String(Math.ceil(ms / 1000)), "retry-after-ms": String(ms) };
}

/**
 * Wraps a handler with the middleware.
 * @param classify - category and type of the request, for counters and fault matching
 * @param handle - writes the answer; may throw an ArmError, answered with ARM's body
 */
export function instrument(
  deps: PipelineDeps,
  classify: (facts: RequestFacts) => RequestClass,
  handle: (req: IncomingMessage, res: ServerResponse, facts: RequestFacts) => Promise<void>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const startedAtMs = deps.now();
    void (async () => {
      let cls: RequestClass = { category: "reads", resourceType: "unknown" };
      let facts: RequestFacts | undefined;
      try {
        // "//subscriptions/…" (a scope with a leading slash after "/{scope}") must stay a path, not a host.
        const url = new URL((req.url ?? "/").replace(/^\/+/, "/"), "https://127.0.0.1");
        const body = await readBody(req);
        facts = {
          method: (req.method ?? "GET").toUpperCase(),
          url,
          path: decodeURIComponent(url.pathname),
          body,
        };
        cls = classify(facts);
        const apiVersion = url.searchParams.get("api-version");
        res.on("finish", () =>
          deps.metrics.record({
            atMs: startedAtMs,
            method: facts?.method ?? "?",
            path: facts?.path ?? "?",
            ...(apiVersion === null ? {} : { apiVersion }),
            resourceType: cls.resourceType,
            category: cls.category,
            status: res.statusCode,
            durationMs: deps.now() - startedAtMs,
          }),
        );
        if (!cls.exempt) {
          const fault = deps.faults.take(
            { method: facts.method, path: facts.path, resourceType: cls.resourceType },
            ["http"],
          );
          if (fault)
            throw faultError(fault.status, fault.code, fault.message, fault.retryAfterSec, deps.timeScale());
        }
        await handle(req, res, facts);
      } catch (error) {
        const armError = isArmError(error)
          ? error
          : new ArmError(500, "InternalServerError", "The emulator failed to process the request.");
        if (!isArmError(error))
          console.error("emulator: unexpected error:", error instanceof Error ? error.message : error);
        sendJson(res, armError.statusCode, armError.toBody(), armError.headers);
      }
    })();
  };
}
