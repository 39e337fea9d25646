/**
 * Tokens for the local emulator. Real Azure tokens are signed JWTs whose `aud`, `oid`, `tid` and `exp`
 * claims the services check; the emulator checks the same claims but not signatures, so a local
 * credential can mint unsigned tokens (`alg: none`). Never used against real Azure.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";

/** Claims the emulator reads from a bearer token. */
export interface EmulatorTokenClaims {
  /** Audience: the resource the token is for, e.g. `https://management.azure.com`. */
  readonly aud: string;
  /** Object id of the principal. */
  readonly oid: string;
  /** Tenant id. */
  readonly tid: string;
  /** Expiry, epoch seconds. */
  readonly exp: number;
  /** Issued at, epoch seconds. */
  readonly iat: number;
}

/** Options for {@link EmulatorCredential}. */
export interface EmulatorCredentialOptions {
  /** @default "00000000-0000-0000-0000-00000000a11c" - a fixed local principal */
  readonly objectId?: string;
  /** @default "00000000-0000-0000-0000-000000000001" */
  readonly tenantId?: string;
  /** Token lifetime. Real AAD tokens live 60–90 minutes. @default 3600 */
  readonly lifetimeSec?: number;
}

/** The principal the local stack provisions as, unless configured otherwise. */
export const DEFAULT_EMULATOR_PRINCIPAL_ID = "00000000-0000-0000-0000-00000000a11c";
export const DEFAULT_EMULATOR_TENANT_ID = "00000000-0000-0000-0000-000000000001";

const base64url = (value: string): string => Buffer.from(value, "utf8").toString("base64url");

/** Mints an unsigned JWT with the given claims. */
export function mintEmulatorToken(claims: EmulatorTokenClaims): string {
  return `${base64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}.`;
}

/**
 * Reads the claims of a JWT without verifying its signature.
 * @returns undefined when the value is not a JWT with the claims the emulator needs.
 */
export function readTokenClaims(token: string): EmulatorTokenClaims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    const { aud, oid, tid, exp, iat } = claims;
    if (typeof aud !== "string" || typeof oid !== "string" || typeof exp !== "number") return undefined;
    return {
      aud,
      oid,
      tid: typeof tid === "string" ? tid : "",
      exp,
      iat: typeof iat === "number" ? iat : 0,
    };
  } catch {
    return undefined;
  }
}

/** Turns a scope (`https://management.azure.com/.default`, `<app id>/.default`) into an audience. */
export function audienceOfScope(scope: string): string {
  return scope.replace(/\/\.default$/, "").replace(/\/$/, "");
}

/**
 * A `TokenCredential` for the emulator: a fresh token per request, for whatever scope the client asks,
 * so long waits never outlive a token (the emulator rejects expired ones, as Azure does).
 */
export class EmulatorCredential implements TokenCredential {
  readonly objectId: string;
  readonly tenantId: string;
  private readonly lifetimeSec: number;

  constructor(options: EmulatorCredentialOptions = {}) {
    this.objectId = options.objectId ?? DEFAULT_EMULATOR_PRINCIPAL_ID;
    this.tenantId = options.tenantId ?? DEFAULT_EMULATOR_TENANT_ID;
    this.lifetimeSec = options.lifetimeSec ?? 3600;
  }

  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    const scope = Array.isArray(scopes) ? (scopes[0] ?? "") : scopes;
    const nowSec = Math.floor(Date.now() / 1000);
    // Claims are whole seconds: round the expiry up so a token always lives at least its lifetime
    // (rounding down could mint a 1-second token that is already expired when it arrives).
    const exp = Math.ceil(Date.now() / 1000) + this.lifetimeSec;
    return {
      token: mintEmulatorToken({
        aud: audienceOfScope(scope),
        oid: this.objectId,
        tid: this.tenantId,
        exp,
        iat: nowSec,
      }),
      expiresOnTimestamp: exp * 1000,
    };
  }
}
