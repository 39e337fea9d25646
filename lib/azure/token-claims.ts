/**
 * Claims of an Azure access token, read without verifying it (the caller got it from its own credential;
 * nothing here trusts a token from elsewhere). ARM access tokens are JWTs whose `tid` claim is the tenant
 * that issued them ("Access token claims reference",
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference); the emulator's carry it
 * too.
 */

/** The `tid` claim of a JWT access token, lower-case; `undefined` when the token is not a JWT with one. */
export function tenantOfAccessToken(token: string): string | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { tid?: unknown };
    return typeof claims.tid === "string" && claims.tid !== "" ? claims.tid.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}
