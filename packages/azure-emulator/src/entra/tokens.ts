/**
 * v2.0 access tokens as Microsoft Entra ID issues them for a registered API: RS256 JWTs whose header names
 * the signing key (`kid`) and whose claims follow Microsoft's access token claims reference
 * (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference): `aud` is the API's
 * client id, `iss` is `<authority>/<tenant>/v2.0`, `azp` the client, `oid`/`sub` the principal, `roles` the
 * app roles assigned for that API, `groups` the memberships — or, past 200 groups, the overage claim
 * (`_claim_names` / `_claim_sources`) in its place.
 */
import { createHash, randomBytes, sign } from "node:crypto";
import type { EntraApiOptions, EntraGrants } from "./directory.js";
import type { SigningKey } from "./signing-key.js";

/** Groups a JWT carries before Entra replaces the claim with the overage claim (access token claims reference). */
export const GROUP_OVERAGE_LIMIT = 200;

/** Who a token is for, beyond the API and the tenant. */
export interface TokenSubject {
  /** The client that asked: `azp`. */
  readonly clientId: string;
  /** How the client authenticated: `0` public client, `1` client secret (`azpacr`). */
  readonly clientAuth: "0" | "1";
  /** The principal's object id: `oid`. */
  readonly objectId: string;
  readonly grants: EntraGrants;
  /** Set for a signed-in user: the delegated scopes (`scp`), `name`, `preferred_username`. */
  readonly user?: { readonly scopes: readonly string[]; readonly name: string; readonly username: string };
}

const base64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
const opaque = (): string => randomBytes(18).toString("base64url");

/** Signs `claims` as an RS256 JWT with `key`. */
export function signJwt(claims: Readonly<Record<string, unknown>>, key: SigningKey): string {
  const input = `${base64url({ typ: "JWT", alg: "RS256", kid: key.keyId })}.${base64url(claims)}`;
  return `${input}.${sign("sha256", Buffer.from(input), key.privateKey).toString("base64url")}`;
}

/**
 * The claims of an access token for `api`.
 * @param issuer - `<authority>/<tenant>/v2.0`
 * @param nowSec - issue time, epoch seconds
 */
export function accessTokenClaims(
  api: EntraApiOptions,
  tenantId: string,
  issuer: string,
  subject: TokenSubject,
  nowSec: number,
  lifetimeSec: number,
): Record<string, unknown> {
  const roles = subject.grants.appRoles?.[api.appId] ?? [];
  const groups = api.groupClaims === false ? [] : (subject.grants.groups ?? []);
  const overage = groups.length > GROUP_OVERAGE_LIMIT;
  return {
    aud: api.appId,
    iss: issuer,
    iat: nowSec,
    nbf: nowSec,
    exp: nowSec + lifetimeSec,
    aio: opaque(),
    azp: subject.clientId,
    azpacr: subject.clientAuth,
    ...(subject.user ? { name: subject.user.name } : {}),
    oid: subject.objectId,
    ...(subject.user ? { preferred_username: subject.user.username } : {}),
    rh: opaque(),
    ...(roles.length > 0 ? { roles: [...roles] } : {}),
    ...(subject.user ? { scp: subject.user.scopes.join(" ") } : {}),
    ...(groups.length > 0 && !overage ? { groups: [...groups] } : {}),
    ...(overage
      ? {
          _claim_names: { groups: "src1" },
          // The documented overage points at the Azure AD Graph URL of the principal's memberships.
          _claim_sources: {
            src1: {
              endpoint: `https://graph.windows.net/${tenantId}/users/${subject.objectId}/getMemberObjects`,
            },
          },
        }
      : {}),
    // App-only tokens carry the service principal's object id as `sub`; users get a pairwise id per app.
    sub: subject.user
      ? createHash("sha256").update(`${subject.objectId}:${api.appId}`).digest("base64url").slice(0, 43)
      : subject.objectId,
    tid: tenantId,
    uti: opaque(),
    ver: "2.0",
  };
}
