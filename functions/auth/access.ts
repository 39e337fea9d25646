/**
 * Who may do what, as data and two decisions. App roles (the token's `roles` claim) rank reader < writer
 * < admin, each including the ones below it; a route needs one of them. Organisations are open to the
 * groups `PROVISIONER_ORG_GROUPS` maps them to (the token's `groups` claim). With sign-in off (the
 * function key alone) every decision allows: the key is then all the authorisation there is.
 */
import type { ApiFunctionName } from "../api-routes";
import type { Caller, EntraCaller } from "./caller";
import { ANY_ORG, type AccessSettings } from "./settings";

/** The API's app roles (their `value`s in the app registration), lowest first. */
export const APP_ROLES = {
  reader: "Environments.Reader",
  writer: "Environments.Writer",
  admin: "Environments.Admin",
} as const;

/** An access level: the app role a route needs, or one that includes it. */
export type AccessLevel = keyof typeof APP_ROLES;

const RANK: Readonly<Record<AccessLevel, number>> = { reader: 1, writer: 2, admin: 3 };

/** What the audit calls the operations it records. */
export type AuditAction = "apply" | "destroy" | "cancel" | "import-opta" | "certificate-upload";

/**
 * Whose organisation a route acts on, to check it before the handler runs: none; the recorded
 * environment of the `{name}` in the route (its record's `org`); the spec in the body (its `org_name`);
 * both (the plan preview); or every listed environment (the list is filtered to the caller's).
 */
export type AccessTarget = "none" | "environmentId" | "spec" | "environmentIdAndSpec" | "list";

/** What a route needs. */
export interface RouteAccess {
  readonly level: AccessLevel;
  readonly target: AccessTarget;
  /** Set for routes whose every call is appended to the audit table. */
  readonly audit?: AuditAction;
}

/**
 * Every route's access. A route added to `API_ROUTES` must be given its access here before the app
 * compiles: nothing is reachable without a decision about who may reach it.
 */
export const ROUTE_ACCESS = {
  listEnvironments: { level: "reader", target: "list" },
  getEnvironment: { level: "reader", target: "environmentId" },
  previewEnvironmentPlan: { level: "reader", target: "environmentIdAndSpec" },
  getEnvironmentHistory: { level: "reader", target: "environmentId" },
  getEnvironmentGraph: { level: "reader", target: "environmentId" },
  getDashboard: { level: "reader", target: "none" },
  getOpenApiDocument: { level: "reader", target: "none" },
  postEnvironment: { level: "writer", target: "spec", audit: "apply" },
  cancelEnvironment: { level: "writer", target: "environmentId", audit: "cancel" },
  putEnvironmentCertificate: { level: "writer", target: "environmentId", audit: "certificate-upload" },
  importOptaEnvironment: { level: "writer", target: "none", audit: "import-opta" },
  deleteEnvironment: { level: "admin", target: "environmentId", audit: "destroy" },
} as const satisfies Record<ApiFunctionName, RouteAccess>;

/** A decision: allowed, or refused with what is missing (for the 403's problem document). */
export type Decision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly detail: string; readonly missing: Readonly<Record<string, unknown>> };

const ALLOWED: Decision = { allowed: true };

/** The highest level the caller's app roles grant, if any. */
export function levelOf(caller: EntraCaller): AccessLevel | undefined {
  let best: AccessLevel | undefined;
  for (const [level, role] of Object.entries(APP_ROLES) as [AccessLevel, string][]) {
    if (caller.roles.includes(role) && (best === undefined || RANK[level] > RANK[best])) best = level;
  }
  return best;
}

/** Whether the caller's roles reach `level`. */
export function roleDecision(caller: Caller, level: AccessLevel, doing: string): Decision {
  if (caller.kind === "functionKey") return ALLOWED;
  const held = levelOf(caller);
  if (held !== undefined && RANK[held] >= RANK[level]) return ALLOWED;
  const required = APP_ROLES[level];
  return {
    allowed: false,
    detail: `${doing} needs the app role ${required} (or a higher one); ${
      caller.roles.length > 0
        ? `the token carries ${caller.roles.join(", ")}`
        : "the token carries no app role of this API"
    }`,
    missing: { requiredRole: required, grantedRoles: caller.roles },
  };
}

/** Whether the caller may act on organisation `org`. */
export function orgDecision(caller: Caller, org: string, settings: AccessSettings): Decision {
  if (caller.kind === "functionKey") return ALLOWED;
  const map = settings.orgGroups;
  if (map === undefined) {
    return {
      allowed: false,
      detail: `no organisation is open to signed-in callers: PROVISIONER_ORG_GROUPS is not set (it maps each org_name to the groups that may act on it)`,
      missing: { organisation: org, setting: "PROVISIONER_ORG_GROUPS" },
    };
  }
  const allowedGroups = new Set([...(map.get(org) ?? []), ...(map.get(ANY_ORG) ?? [])]);
  if (caller.groups.some((group) => allowedGroups.has(group))) return ALLOWED;
  if (caller.groupsOverage) {
    // The token names no groups because there are too many; this service does not look them up in
    // Microsoft Graph, so it cannot tell. It refuses rather than guess.
    return {
      allowed: false,
      detail: `cannot tell whether you may act on organisation "${org}": your token carries no groups claim because you are a member of more groups than a token holds (group overage); ask an administrator to emit only the groups assigned to this API (groupMembershipClaims "ApplicationGroup") and to assign the organisation's group to it`,
      missing: { organisation: org, groupsClaim: "overage" },
    };
  }
  return {
    allowed: false,
    detail: `you may not act on organisation "${org}": none of your groups is one PROVISIONER_ORG_GROUPS gives it`,
    missing: { organisation: org },
  };
}
