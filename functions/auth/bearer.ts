/**
 * Validates Microsoft Entra ID v2.0 access tokens as Microsoft's guidance asks of a web API
 * (https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens): the signing keys
 * come from the tenant's OpenID Connect discovery document (`<authority>/<tenant>/v2.0/.well-known/
 * openid-configuration` → `jwks_uri`), whose `issuer` must be the one configured; the token must be
 * RS256-signed by one of those keys (found by `kid`; an unknown `kid` refetches the keys, at most every
 * 30 seconds), issued by exactly that issuer for one of the API's audiences, inside its `nbf`–`exp`
 * window give or take {@link CLOCK_TOLERANCE_SEC}, and for the configured tenant.
 *
 * JOSE is jose 6 (panva/jose), loaded with `import()`: it is ESM-only and this app compiles to CommonJS.
 */
import type * as JoseModule from "jose" with { "resolution-mode": "import" };
import type { FetchImplementation, JWTPayload, RemoteJWKSet } from "jose" with {
  "resolution-mode": "import",
};
import { httpsGet } from "./https-fetch";
import type { EntraSignIn } from "./settings";

/** Clock difference tolerated on `exp` and `nbf`, in seconds: hosts and Entra keep NTP time. */
export const CLOCK_TOLERANCE_SEC = 60;

/** Claims every token must carry: lifetime, and who it is for the audit (`oid`) in which tenant (`tid`). */
const REQUIRED_CLAIMS = ["exp", "nbf", "iat", "oid", "tid"];

/** The one algorithm Entra signs access tokens with; `none`, HMAC and everything else are refused. */
const ALGORITHM = "RS256";

/** What validating a token found. */
export type TokenCheck =
  | { readonly ok: true; readonly claims: JWTPayload }
  /** The token is not acceptable: 401. `reason` is safe to show the caller (it never echoes the token). */
  | { readonly ok: false; readonly status: 401; readonly reason: string }
  /** The keys could not be read (the authority is unreachable or answers nonsense): 503, not the caller's fault. */
  | { readonly ok: false; readonly status: 503; readonly reason: string };

/** Validates bearer tokens for one API. */
export interface TokenValidator {
  validate(token: string): Promise<TokenCheck>;
}

type Jose = typeof JoseModule;
let joseModule: Promise<Jose> | undefined;
const jose = (): Promise<Jose> => (joseModule ??= import("jose"));

/** Errors of the key source rather than the token. */
class AuthorityError extends Error {}

/** Options of {@link createTokenValidator}. */
export interface TokenValidatorOptions {
  /** Extra CA (PEM) the authority's certificate chains to: the emulator's. @default - the system's */
  readonly ca?: string;
}

/** A validator for `signIn`'s tenant and audiences. */
export function createTokenValidator(
  signIn: EntraSignIn,
  options: TokenValidatorOptions = {},
): TokenValidator {
  const fetchJson = (url: string, init: { headers?: Headers; signal?: AbortSignal } = {}) =>
    httpsGet(url, {
      ...(options.ca ? { ca: options.ca } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
      ...(init.headers ? { headers: Object.fromEntries(init.headers.entries()) } : {}),
    });

  let keys: Promise<RemoteJWKSet> | undefined;
  const keysFetch: FetchImplementation = (url, init) => fetchJson(url, init);

  /** The tenant's key set, found through its discovery document once per process (retried after a failure). */
  function keySet() {
    keys ??= (async () => {
      const { createRemoteJWKSet, customFetch } = await jose();
      let response: Response;
      try {
        response = await fetchJson(signIn.discoveryUrl, { signal: AbortSignal.timeout(5000) });
      } catch (error) {
        throw new AuthorityError(
          `the discovery document ${signIn.discoveryUrl} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (response.status !== 200) {
        throw new AuthorityError(`the discovery document ${signIn.discoveryUrl} answered ${response.status}`);
      }
      const metadata = (await response.json().catch(() => ({}))) as { issuer?: unknown; jwks_uri?: unknown };
      // OpenID Connect Discovery: the document's issuer must be the one it was fetched for.
      if (metadata.issuer !== signIn.issuer) {
        throw new AuthorityError(
          `the discovery document names issuer ${String(metadata.issuer)}, not ${signIn.issuer}`,
        );
      }
      if (typeof metadata.jwks_uri !== "string" || !metadata.jwks_uri.startsWith("https://")) {
        throw new AuthorityError("the discovery document has no https jwks_uri");
      }
      return createRemoteJWKSet(new URL(metadata.jwks_uri), {
        [customFetch]: keysFetch,
      });
    })().catch((error: unknown) => {
      keys = undefined;
      throw error;
    });
    return keys;
  }

  return {
    async validate(token) {
      const { decodeProtectedHeader, errors, jwtVerify } = await jose();
      let algorithm: unknown;
      try {
        algorithm = decodeProtectedHeader(token).alg;
      } catch {
        return { ok: false, status: 401, reason: "the bearer token is not a JWT" };
      }
      // Checked before any key is fetched: an unsigned or HMAC token needs no round trip to be refused.
      if (algorithm !== ALGORITHM) {
        return {
          ok: false,
          status: 401,
          reason: `the token is signed with ${String(algorithm)}, not ${ALGORITHM}`,
        };
      }
      try {
        const { payload } = await jwtVerify(token, await keySet(), {
          issuer: signIn.issuer,
          audience: [...signIn.audiences],
          algorithms: [ALGORITHM],
          clockTolerance: CLOCK_TOLERANCE_SEC,
          requiredClaims: REQUIRED_CLAIMS,
        });
        // The issuer names the tenant already; tid must agree (Microsoft's guidance ties the two together).
        if (String(payload.tid).toLowerCase() !== signIn.tenantId.toLowerCase()) {
          return { ok: false, status: 401, reason: "the token's tid is not the API's tenant" };
        }
        return { ok: true, claims: payload };
      } catch (error) {
        if (error instanceof AuthorityError) return { ok: false, status: 503, reason: error.message };
        if (error instanceof errors.JWKSTimeout) {
          return { ok: false, status: 503, reason: "the tenant's signing keys could not be fetched in time" };
        }
        if (error instanceof errors.JWTExpired)
          return { ok: false, status: 401, reason: "the token has expired" };
        if (error instanceof errors.JWTClaimValidationFailed) {
          return { ok: false, status: 401, reason: claimFailure(error.claim, error.reason) };
        }
        if (error instanceof errors.JWKSNoMatchingKey) {
          return { ok: false, status: 401, reason: "no signing key of the tenant matches the token's kid" };
        }
        if (error instanceof errors.JWSSignatureVerificationFailed) {
          return { ok: false, status: 401, reason: "the token's signature does not verify" };
        }
        if (error instanceof errors.JOSEAlgNotAllowed) {
          return { ok: false, status: 401, reason: `the token is not signed with ${ALGORITHM}` };
        }
        if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
          return { ok: false, status: 401, reason: "the bearer token is malformed" };
        }
        // The key set itself could not be fetched or parsed: the authority's problem, not the caller's.
        if (
          error instanceof errors.JWKSInvalid ||
          error instanceof errors.JOSEError ||
          error instanceof TypeError
        ) {
          return { ok: false, status: 503, reason: "the tenant's signing keys could not be read" };
        }
        throw error;
      }
    },
  };
}

/** Why a claim failed, in words a caller can act on. */
function claimFailure(claim: string, reason: string): string {
  switch (claim) {
    case "aud":
      return "the token is for another audience than this API";
    case "iss":
      return "the token was issued by another issuer than this API's tenant";
    case "nbf":
      return "the token is not valid yet";
    default:
      return reason === "missing"
        ? `the token has no ${claim} claim`
        : `the token's ${claim} claim is invalid`;
  }
}
