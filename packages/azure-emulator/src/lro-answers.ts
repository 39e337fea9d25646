/**
 * How long-running operations look on the wire: the first answer of a write in each LRO style, and the
 * answers of the operation-status (`Azure-AsyncOperation`) and operation-result (`Location`) URLs.
 */
import type { ArmResponse } from "./http-types.js";
import type { Operation } from "./operations.js";
import type { LroStyle } from "./resource-type.js";
import { subscriptionOf } from "./resource-path.js";

/** Path pattern of the emulator's operation URLs: `…/operationStatuses/{id}` and `…/operationResults/{id}`. */
export const OPERATION_PATH = /\/(operationstatuses|operationresults)\/([0-9a-f-]{36})$/i;

/** Builds operation URLs for one ARM origin. */
export class OperationUrls {
  constructor(private readonly armOrigin: string) {}

  private base(op: Operation, location: string): string {
    const namespace = op.resourceType.split("/")[0] ?? "Microsoft.Resources";
    return `${this.armOrigin}/subscriptions/${subscriptionOf(op.resourceId) ?? "none"}/providers/${namespace}/locations/${location}`;
  }

  status(op: Operation, location: string, apiVersion: string): string {
    return `${this.base(op, location)}/operationStatuses/${op.id}?api-version=${encodeURIComponent(apiVersion)}`;
  }

  result(op: Operation, location: string, apiVersion: string): string {
    return `${this.base(op, location)}/operationResults/${op.id}?api-version=${encodeURIComponent(apiVersion)}`;
  }
}

/**
 * `Retry-After` in whole seconds: the type's poll interval on Azure, scaled, capped by the time left.
 * Sub-second values round to 0, which the SDK ignores in favour of its own poll interval — what tests
 * with a tiny time scale want.
 */
export function retryAfterSec(op: Operation, nowMs: number): number {
  const remainingMs = Math.max(0, op.endsAtMs - nowMs);
  return Math.round(Math.min(op.pollIntervalMs, remainingMs) / 1000);
}

/** Where the operation's URLs point and what a finished write answers with. */
export interface LroContext {
  readonly urls: OperationUrls;
  readonly location: string;
  readonly apiVersion: string;
  readonly nowMs: number;
}

/** The first answer of a write that started `op`. */
export function initialAnswer(
  style: LroStyle,
  op: Operation,
  status: number,
  body: unknown,
  ctx: LroContext,
): ArmResponse {
  const retryAfter = String(retryAfterSec(op, ctx.nowMs));
  const location = ctx.urls.result(op, ctx.location, ctx.apiVersion);
  switch (style) {
    case "azure-async-operation": {
      const headers = {
        "Azure-AsyncOperation": ctx.urls.status(op, ctx.location, ctx.apiVersion),
        "Retry-After": retryAfter,
      };
      return op.kind === "delete"
        ? { status: 202, headers: { ...headers, Location: location } }
        : { status, headers, body };
    }
    case "location":
      return { status: 202, headers: { Location: location, "Retry-After": retryAfter } };
    case "accepted-async-operation":
      return {
        status: 202,
        headers: {
          "Azure-AsyncOperation": ctx.urls.status(op, ctx.location, ctx.apiVersion),
          Location: location,
          "Retry-After": retryAfter,
        },
      };
    case "provisioning-state":
    case "sync":
      return { status, body };
  }
}

/** The body of an operation-status URL; always 200, which the modular clients require. */
export function statusAnswer(op: Operation, nowMs: number): ArmResponse {
  const body = {
    id: op.id,
    name: op.id,
    status: op.status,
    startTime: new Date(op.startedAtMs).toISOString(),
    ...(op.endedAtMs !== undefined ? { endTime: new Date(op.endedAtMs).toISOString() } : {}),
    ...(op.failure ? { error: { code: op.failure.code, message: op.failure.message } } : {}),
  };
  const headers =
    op.status === "InProgress" ? { "Retry-After": String(retryAfterSec(op, nowMs)) } : undefined;
  return { status: 200, ...(headers ? { headers } : {}), body };
}

/**
 * The answer of an operation-result URL: 202 while running; then the resource (writes) or an empty 200
 * (deletes); a failed operation answers its error with 400, since this style reads only status codes.
 */
export function resultAnswer(
  op: Operation,
  nowMs: number,
  selfUrl: string,
  resourceBody: unknown,
): ArmResponse {
  if (op.status === "InProgress") {
    return { status: 202, headers: { Location: selfUrl, "Retry-After": String(retryAfterSec(op, nowMs)) } };
  }
  if (op.failure)
    return { status: 400, body: { error: { code: op.failure.code, message: op.failure.message } } };
  if (op.kind === "delete" || resourceBody === undefined) return { status: 200 };
  return { status: 200, body: resourceBody };
}
