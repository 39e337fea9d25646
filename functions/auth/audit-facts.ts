/**
 * What the audit records of a request: the principal (from the caller, never the token), where the
 * request came from, and the outcome its HTTP status means.
 */
import { isIP } from "node:net";
import type { HttpRequest } from "@azure/functions";
import type { AuditClient, AuditOutcome, AuditPrincipal } from "../records";
import type { Caller } from "./caller";

/** Longest header values kept: an audit row stays small whatever a client sends. */
const MAX_FORWARDED_CHARS = 512;
const MAX_USER_AGENT_CHARS = 256;

/** The audit's principal of a caller. */
export function auditPrincipalOf(caller: Caller): AuditPrincipal {
  if (caller.kind === "functionKey") return { kind: "functionKey" };
  return {
    kind: caller.isApplication ? "application" : "user",
    objectId: caller.objectId,
    tenantId: caller.tenantId,
    ...(caller.name ? { name: caller.name } : {}),
    ...(caller.username ? { username: caller.username } : {}),
    ...(caller.appId ? { appId: caller.appId } : {}),
    via: caller.via,
  };
}

/** An address without the port App Service's front end appends (`203.0.113.7:51234`, `[2001:db8::1]:443`). */
function withoutPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed?.[1]) return bracketed[1];
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(hop);
  return v4?.[1] ?? hop;
}

/**
 * Where the request came from. Each proxy appends the address it received the request from to
 * `X-Forwarded-For`, so the last hop is what the nearest front end saw — the first is whatever the
 * client wrote and proves nothing. Both are kept when they differ.
 */
export function auditClientOf(request: HttpRequest): AuditClient {
  const forwarded = request.headers.get("x-forwarded-for") ?? "";
  const hops = forwarded
    .split(",")
    .map((hop) => hop.trim())
    .filter((hop) => hop !== "");
  const last = hops.at(-1);
  const address = last === undefined ? undefined : withoutPort(last);
  const userAgent = request.headers.get("user-agent");
  return {
    ...(address !== undefined && isIP(address) !== 0 ? { ip: address } : {}),
    ...(hops.length > 1 || (address !== undefined && isIP(address) === 0)
      ? { forwardedFor: forwarded.slice(0, MAX_FORWARDED_CHARS) }
      : {}),
    ...(userAgent ? { userAgent: userAgent.slice(0, MAX_USER_AGENT_CHARS) } : {}),
  };
}

/** What an answer's status says of the request. */
export function outcomeOfStatus(status: number): AuditOutcome {
  if (status === 409) return "busy";
  if (status >= 500) return "failed";
  if (status >= 400) return "refused";
  return "accepted";
}
