/**
 * The ARM front door: what every ARM request meets before a resource provider — the bearer token (401s
 * as ARM words them), the subscription's throttling buckets (429 with `Retry-After` and the
 * `x-ms-ratelimit-remaining-*` headers) — and the answer written with ARM's headers.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ArmProvider } from "./arm-provider.js";
import { readTokenClaims } from "./credential.js";
import { authenticateBearer } from "./dataplane-context.js";
import { ARM_AUDIENCE } from "./dataplane.js";
import { ArmError } from "./errors.js";
import { sendJson } from "./http-util.js";
import type { RequestFacts } from "./pipeline.js";
import { subscriptionOf } from "./resource-path.js";
import type { SubscriptionApi } from "./subscriptions/index.js";
import type { Throttle } from "./throttle.js";

/** What the front door needs. */
export interface ArmFrontDoorDeps {
  /** Token buckets; undefined turns throttling off. */
  readonly throttle: Throttle | undefined;
  provider(): ArmProvider;
  now(): number;
  /**
   * Subscriptions: refusals for a subscription's sake (tenant, state, permissions, registration) and the
   * subscription-level read APIs. @default none
   */
  readonly subscriptions?: SubscriptionApi;
}

/** Builds the handler of ARM requests (after the generic middleware). */
export function createArmFrontDoor(deps: ArmFrontDoorDeps) {
  return async (req: IncomingMessage, res: ServerResponse, facts: RequestFacts): Promise<void> => {
    const principal = authenticateBearer(req.headers.authorization, ARM_AUDIENCE, deps.now());
    if (!principal) throw authenticationError(req.headers.authorization, deps.now());
    deps.subscriptions?.refuse({ method: facts.method, path: facts.path, principal, body: facts.body });
    const kind = facts.method === "GET" ? "reads" : "writes";
    const subscriptionId = subscriptionOf(facts.path) ?? "tenant";
    const decision = deps.throttle?.take(subscriptionId, principal.objectId, kind);
    const armHeaders: Record<string, string> = decision
      ? { [`x-ms-ratelimit-remaining-subscription-${kind}`]: String(decision.remaining) }
      : {};
    if (decision && !decision.allowed) {
      throw new ArmError(
        429,
        "SubscriptionRequestsThrottled",
        `Number of '${kind === "reads" ? "read" : "write"}' requests for subscription '${subscriptionId}' exceeded the limit. Please try again after '${Math.ceil(decision.retryAfterMs / 1000)}' seconds.`,
        // retry-after-ms carries the scaled wait exactly (the SDK prefers it); Retry-After stays whole seconds.
        {
          ...armHeaders,
          "Retry-After": String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))),
          "retry-after-ms": String(decision.retryAfterMs),
        },
      );
    }
    // Like ARM, every answer carries a request id to quote in bug reports.
    armHeaders["x-ms-request-id"] = randomUUID();
    const armRequest = {
      method: facts.method,
      url: facts.url,
      path: facts.path,
      body: facts.body,
      principal,
    };
    const answer = deps.subscriptions?.answer(armRequest) ?? (await deps.provider().handle(armRequest));
    sendJson(res, answer.status, answer.body, { ...armHeaders, ...answer.headers });
  };
}

/** ARM's 401s: an expired token gets its own code, as Azure's `ExpiredAuthenticationToken` (docs/azure-facts.md#failure-case-2). */
function authenticationError(authorization: string | undefined, nowMs: number): ArmError {
  const challenge = {
    "WWW-Authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"`,
  };
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (!token) {
    return new ArmError(
      401,
      "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is missing.",
      challenge,
    );
  }
  const claims = readTokenClaims(token);
  if (claims && claims.exp * 1000 <= nowMs) {
    return new ArmError(
      401,
      "ExpiredAuthenticationToken",
      "The access token expiry UTC time is earlier than current UTC time.",
      challenge,
    );
  }
  return new ArmError(
    401,
    "InvalidAuthenticationToken",
    "The access token is invalid (malformed, or not issued for https://management.azure.com).",
    challenge,
  );
}
