/**
 * App Service Authentication ("Easy Auth"): when it is on, App Service validates the caller's token in
 * front of the app and passes its claims in `X-MS-CLIENT-PRINCIPAL`, base64-encoded JSON
 * `{ auth_typ, claims: [{ typ, val }], name_typ, role_typ }`; external requests cannot set that header
 * (https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities). It is read
 * only when `PROVISIONER_AUTH_EASY_AUTH=true` says the app runs behind it: anywhere else the header is
 * whatever the caller wrote. Even then the claims must name this API's audience, issuer and tenant.
 *
 * Claim types go through App Service's default claims mapping, so a claim may arrive under its JWT name
 * (`oid`) or a mapped URI (`http://schemas.microsoft.com/identity/claims/objectidentifier`); both are read.
 */
import type { Claims } from "./caller";
import type { EntraSignIn } from "./settings";

/** The header App Service sets. */
export const CLIENT_PRINCIPAL_HEADER = "x-ms-client-principal";

/** The provider name (`auth_typ`) of Easy Auth's Microsoft identity provider. */
const MICROSOFT_PROVIDER = "aad";

/** Claim types each claim the app reads may arrive under, JWT name first. */
const CLAIM_TYPES: Readonly<Record<string, readonly string[]>> = {
  aud: ["aud"],
  iss: ["iss"],
  oid: ["oid", "http://schemas.microsoft.com/identity/claims/objectidentifier"],
  tid: ["tid", "http://schemas.microsoft.com/identity/claims/tenantid"],
  name: ["name"],
  preferred_username: [
    "preferred_username",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
    "upn",
  ],
  azp: ["azp", "appid"],
  scp: ["scp", "http://schemas.microsoft.com/identity/claims/scope"],
  roles: ["roles", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"],
  groups: ["groups"],
  _claim_names: ["_claim_names"],
  hasgroups: ["hasgroups"],
};

/** Claims that may repeat (one entry per value) or arrive as a JSON array in one value. */
const LIST_CLAIMS = new Set(["roles", "groups"]);

/** What reading the header found. */
export type ClientPrincipalCheck =
  { readonly ok: true; readonly claims: Claims } | { readonly ok: false; readonly reason: string };

interface ClientPrincipal {
  readonly auth_typ?: unknown;
  readonly claims?: unknown;
  readonly role_typ?: unknown;
}

/** Reads and checks the client principal App Service passed. */
export function readClientPrincipal(header: string, signIn: EntraSignIn): ClientPrincipalCheck {
  let principal: ClientPrincipal;
  try {
    principal = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as ClientPrincipal;
  } catch {
    return { ok: false, reason: "X-MS-CLIENT-PRINCIPAL is not base64-encoded JSON" };
  }
  if (typeof principal !== "object" || principal === null || !Array.isArray(principal.claims)) {
    return { ok: false, reason: "X-MS-CLIENT-PRINCIPAL has no claims" };
  }
  if (principal.auth_typ !== MICROSOFT_PROVIDER) {
    return { ok: false, reason: "X-MS-CLIENT-PRINCIPAL is not from the Microsoft identity provider" };
  }
  const entries = (principal.claims as unknown[]).filter(
    (entry): entry is { typ: string; val: string } =>
      typeof entry === "object" &&
      entry !== null &&
      typeof (entry as { typ?: unknown }).typ === "string" &&
      typeof (entry as { val?: unknown }).val === "string",
  );
  const roleType = typeof principal.role_typ === "string" ? principal.role_typ : undefined;
  const claims: Record<string, unknown> = {};
  for (const [name, types] of Object.entries(CLAIM_TYPES)) {
    const accepted = name === "roles" && roleType ? [...types, roleType] : types;
    const values = entries.filter((entry) => accepted.includes(entry.typ)).map((entry) => entry.val);
    if (values.length === 0) continue;
    claims[name] = LIST_CLAIMS.has(name)
      ? values.flatMap(listValues)
      : name === "_claim_names"
        ? parsed(values[0])
        : values[0];
  }
  if (claims.iss !== signIn.issuer)
    return { ok: false, reason: "the client principal's issuer is not this API's tenant" };
  if (typeof claims.aud !== "string" || !signIn.audiences.includes(claims.aud)) {
    return { ok: false, reason: "the client principal's token is for another audience than this API" };
  }
  if (String(claims.tid).toLowerCase() !== signIn.tenantId.toLowerCase()) {
    return { ok: false, reason: "the client principal's tid is not the API's tenant" };
  }
  if (typeof claims.oid !== "string")
    return { ok: false, reason: "the client principal has no object id (oid)" };
  return { ok: true, claims };
}

/** A list claim's value: one item, or a JSON array of items. */
function listValues(value: string): string[] {
  if (!value.startsWith("[")) return [value];
  const items = parsed(value);
  return Array.isArray(items) ? items.filter((item): item is string => typeof item === "string") : [];
}

function parsed(value: string | undefined): unknown {
  try {
    return JSON.parse(value ?? "");
  } catch {
    return value;
  }
}
