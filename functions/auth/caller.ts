/**
 * Who is calling: a principal of the tenant, read from a validated token's claims (or App Service
 * Authentication's client principal), or — with sign-in off — whoever holds the function key.
 * Claim meanings follow Microsoft's access token claims reference
 * (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference).
 */

/** A signed-in principal. */
export interface EntraCaller {
  readonly kind: "entra";
  /** How the caller was authenticated: a bearer token this app validated, or App Service's header. */
  readonly via: "bearer" | "easyAuth";
  /** `oid`: the immutable object id of the user or service principal. */
  readonly objectId: string;
  readonly tenantId: string;
  /** `name`, for people reading the audit; never used to decide. */
  readonly name?: string;
  /** `preferred_username` (or `upn`), for people reading the audit; never used to decide. */
  readonly username?: string;
  /** `azp` (v2.0) or `appid` (v1.0): the client application that asked for the token. */
  readonly appId?: string;
  /** True for an application acting as itself (no delegated `scp`), false for a signed-in user. */
  readonly isApplication: boolean;
  /** `roles`: the app roles assigned to the caller for this API. */
  readonly roles: readonly string[];
  /** `groups`: group object ids, lower-cased. */
  readonly groups: readonly string[];
  /**
   * True when the token left the groups out because the caller is in too many of them (the overage
   * claim `_claim_names.groups`, or `hasgroups`): {@link groups} is then incomplete.
   */
  readonly groupsOverage: boolean;
}

/** Sign-in is off: the function key is all there is, and it names nobody. */
export interface FunctionKeyCaller {
  readonly kind: "functionKey";
}

/** Whoever sent the request. */
export type Caller = EntraCaller | FunctionKeyCaller;

/** The caller when sign-in is off. */
export const FUNCTION_KEY_CALLER: FunctionKeyCaller = { kind: "functionKey" };

/** Claims as read from a token or a client principal: names to values (strings, numbers, arrays, objects). */
export type Claims = Readonly<Record<string, unknown>>;

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value : undefined;

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];

/** Whether the claims say the groups were left out for being too many. */
export function hasGroupOverage(claims: Claims): boolean {
  const names = claims._claim_names;
  return (
    (typeof names === "object" && names !== null && "groups" in names) ||
    claims.hasgroups === true ||
    claims.hasgroups === "true"
  );
}

/**
 * The caller of validated claims.
 * @param claims - already validated: signature, issuer, audience and lifetime checked by the caller
 */
export function callerOfClaims(claims: Claims, via: EntraCaller["via"]): EntraCaller {
  const name = text(claims.name);
  const username = text(claims.preferred_username) ?? text(claims.upn);
  const appId = text(claims.azp) ?? text(claims.appid);
  return {
    kind: "entra",
    via,
    objectId: String(claims.oid),
    tenantId: String(claims.tid),
    ...(name ? { name } : {}),
    ...(username ? { username } : {}),
    ...(appId ? { appId } : {}),
    isApplication: text(claims.scp) === undefined,
    roles: strings(claims.roles),
    groups: strings(claims.groups).map((group) => group.toLowerCase()),
    groupsOverage: hasGroupOverage(claims),
  };
}

/**
 * What a record's `requestedBy` says of a caller: `entra:<object id>` for a principal (the audit has its
 * name), `http` with sign-in off.
 */
export function requestedByOf(caller: Caller): string {
  return caller.kind === "entra" ? `entra:${caller.objectId}` : "http";
}
