/**
 * Microsoft Entra ID's endpoints for the emulated tenants, on the emulator's HTTPS origin and at the paths
 * Entra uses below its authority (https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc):
 *
 * | method + path | answers |
 * |---|---|
 * | GET `/<tenant>/v2.0/.well-known/openid-configuration` | OpenID Connect discovery: `issuer` `<origin>/<tenant>/v2.0`, `token_endpoint`, `jwks_uri`, … |
 * | GET `/<tenant>/discovery/v2.0/keys` | the signing keys (JWKS), each with the tenant's issuer |
 * | POST `/<tenant>/oauth2/v2.0/token` | OAuth 2.0 token endpoint: `client_credentials` (a configured client and its secret, one `<resource>/.default` scope) and `password` (ROPC: a configured user through a public client) |
 *
 * So `@azure/identity`'s `ClientSecretCredential` with `authorityHost` set to the emulator's origin (and
 * `disableInstanceDiscovery`, since the emulator is not a known Microsoft cloud) gets tokens exactly as it
 * does from `login.microsoftonline.com`. Errors have Entra's shape (`error`, `error_description` starting
 * with the AADSTS code, `error_codes`, `timestamp`, `trace_id`, `correlation_id`), with the codes of
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes.
 */
import { randomUUID, timingSafeEqual, createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../http-util.js";
import type { RequestFacts } from "../pipeline.js";
import { derivedGuid, type EntraApiOptions, type EntraTenant } from "./directory.js";
import type { SigningKey } from "./signing-key.js";
import { accessTokenClaims, signJwt, type TokenSubject } from "./tokens.js";

/** The three endpoint paths below a tenant. */
const ENTRA_PATH =
  /^\/([^/_][^/]*)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|oauth2\/v2\.0\/token)$/;

/** Scopes of OpenID Connect itself, which name no resource. */
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);

/** What the endpoints need. */
export interface EntraEndpointsDeps {
  readonly tenants: ReadonlyMap<string, EntraTenant>;
  readonly key: SigningKey;
  /** `https://127.0.0.1:<port>`: the authority host, known once the listener is bound. */
  origin(): string;
  now(): number;
  readonly tokenLifetimeSec: number;
}

/** The endpoints, for the ARM origin's dispatcher. */
export interface EntraEndpoints {
  /** Whether `path` is one of the endpoints (of any tenant: unknown tenants are answered as Entra does). */
  handles(path: string): boolean;
  serve(req: IncomingMessage, res: ServerResponse, facts: RequestFacts): void;
}

/** An Entra error answer: status, OAuth `error`, AADSTS code and its text. */
class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function sendEntraError(res: ServerResponse, failure: EntraError, nowMs: number): void {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date(nowMs)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
  sendJson(res, failure.status, {
    error: failure.error,
    error_description: `AADSTS${failure.code}: ${failure.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [failure.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${failure.code}`,
  });
}

const missing = (name: string) =>
  new EntraError(
    400,
    "invalid_request",
    900144,
    `The request body must contain the following parameter: '${name}'.`,
  );

/** Compares secrets by digest, so neither content nor length leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The client's id and secret: form fields (`client_secret_post`) or HTTP Basic (`client_secret_basic`). */
function clientCredentialsOf(req: IncomingMessage, form: URLSearchParams): { id?: string; secret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  if (basic) {
    const [id = "", secret = ""] = Buffer.from(basic, "base64").toString("utf8").split(":");
    return { id: decodeURIComponent(id), secret: decodeURIComponent(secret) };
  }
  return { id: form.get("client_id") ?? undefined, secret: form.get("client_secret") ?? undefined };
}

/** Splits `<resource>/<scope>` at its last slash. */
function resourceAndScope(scope: string): { resource: string; name: string } {
  const slash = scope.lastIndexOf("/");
  return slash <= 0
    ? { resource: "", name: scope }
    : { resource: scope.slice(0, slash), name: scope.slice(slash + 1) };
}

/** Builds the endpoints over the directory and the signing key. */
export function createEntraEndpoints(deps: EntraEndpointsDeps): EntraEndpoints {
  const issuerOf = (tenantId: string) => `${deps.origin()}/${tenantId}/v2.0`;

  function tenantOf(segment: string): EntraTenant {
    const tenant = deps.tenants.get(segment.toLowerCase());
    if (!tenant) {
      throw new EntraError(
        400,
        "invalid_tenant",
        90002,
        `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    return tenant;
  }

  function discovery(tenant: EntraTenant): Record<string, unknown> {
    const base = `${deps.origin()}/${tenant.tenantId}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: issuerOf(tenant.tenantId),
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      claims_supported: [
        "sub",
        "iss",
        "aud",
        "exp",
        "iat",
        "nbf",
        "name",
        "oid",
        "tid",
        "preferred_username",
        "ver",
      ],
      tenant_region_scope: null,
      cloud_instance_name: "emulator.local",
    };
  }

  /** A token answer for `api` and `subject`, as the token endpoint returns it. */
  function tokenAnswer(
    tenant: EntraTenant,
    api: EntraApiOptions,
    subject: TokenSubject,
  ): Record<string, unknown> {
    const nowSec = Math.floor(deps.now() / 1000);
    const claims = accessTokenClaims(
      api,
      tenant.tenantId,
      issuerOf(tenant.tenantId),
      subject,
      nowSec,
      deps.tokenLifetimeSec,
    );
    return {
      token_type: "Bearer",
      expires_in: deps.tokenLifetimeSec,
      ext_expires_in: deps.tokenLifetimeSec,
      access_token: signJwt(claims, deps.key),
    };
  }

  function clientCredentials(tenant: EntraTenant, req: IncomingMessage, form: URLSearchParams) {
    const credentials = clientCredentialsOf(req, form);
    if (!credentials.id) throw missing("client_id");
    const client = tenant.client(credentials.id);
    if (!client) {
      throw new EntraError(
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${credentials.id}' was not found in the directory '${tenant.tenantId}'.`,
      );
    }
    if (!credentials.secret) {
      throw new EntraError(
        401,
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    if (!sameSecret(credentials.secret, client.clientSecret)) {
      throw new EntraError(
        401,
        "invalid_client",
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`,
      );
    }
    const scopes = (form.get("scope") ?? "").split(" ").filter((scope) => scope !== "");
    const scope = scopes[0] ?? "";
    const { resource, name } = resourceAndScope(scope);
    if (scopes.length !== 1 || name !== ".default") {
      throw new EntraError(
        400,
        "invalid_scope",
        1002012,
        `The provided value for scope ${scopes.join(" ")} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    const api = resourceOf(tenant, resource);
    return tokenAnswer(tenant, api, {
      clientId: client.clientId,
      clientAuth: "1",
      objectId: client.objectId ?? derivedGuid(`service-principal:${tenant.tenantId}:${client.clientId}`),
      grants: client,
    });
  }

  function resourceOf(tenant: EntraTenant, resource: string): EntraApiOptions {
    const api = tenant.api(resource);
    if (!api) {
      throw new EntraError(
        400,
        "invalid_resource",
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${tenant.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      );
    }
    return api;
  }

  /** ROPC: a user's password through a public client, for delegated scopes of one API. */
  function password(tenant: EntraTenant, req: IncomingMessage, form: URLSearchParams) {
    const credentials = clientCredentialsOf(req, form);
    if (!credentials.id) throw missing("client_id");
    const confidential = tenant.client(credentials.id);
    const authenticatedClient =
      confidential !== undefined &&
      credentials.secret !== undefined &&
      sameSecret(credentials.secret, confidential.clientSecret);
    if (!tenant.isPublicClient(credentials.id) && !authenticatedClient) {
      throw new EntraError(
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${credentials.id}' was not found in the directory '${tenant.tenantId}'.`,
      );
    }
    const username = form.get("username");
    if (!username) throw missing("username");
    const user = tenant.user(username);
    if (!user || !sameSecret(form.get("password") ?? "", user.password)) {
      throw new EntraError(
        400,
        "invalid_grant",
        50126,
        "Error validating credentials due to invalid username or password.",
      );
    }
    const requested = (form.get("scope") ?? "")
      .split(" ")
      .filter((scope) => scope !== "" && !OIDC_SCOPES.has(scope));
    const resources = [...new Set(requested.map((scope) => resourceAndScope(scope).resource.toLowerCase()))];
    if (resources.length !== 1) {
      throw new EntraError(
        400,
        "invalid_scope",
        70011,
        `The provided request must include a 'scope' input parameter naming the scopes of one resource.`,
      );
    }
    const api = resourceOf(tenant, resourceAndScope(requested[0] ?? "").resource);
    const exposed = api.scopes ?? [];
    const names = requested.map((scope) => resourceAndScope(scope).name);
    const granted = names.includes(".default") ? [...exposed] : names;
    const unknown = granted.filter((name) => !exposed.includes(name));
    if (unknown.length > 0 || granted.length === 0) {
      throw new EntraError(
        400,
        "invalid_scope",
        70011,
        `The provided value for the input parameter 'scope' is not valid. The scope ${unknown.join(" ") || requested.join(" ")} is not valid.`,
      );
    }
    const objectId = user.objectId ?? derivedGuid(`user:${tenant.tenantId}:${user.username}`);
    const name = user.displayName ?? user.username;
    const answer = tokenAnswer(tenant, api, {
      clientId: credentials.id,
      clientAuth: authenticatedClient ? "1" : "0",
      objectId,
      grants: user,
      user: { scopes: granted, name, username: user.username },
    });
    const nowSec = Math.floor(deps.now() / 1000);
    // MSAL builds the signed-in account from the ID token and client_info (`uid`, `utid`).
    const idToken = signJwt(
      {
        aud: credentials.id,
        iss: issuerOf(tenant.tenantId),
        iat: nowSec,
        nbf: nowSec,
        exp: nowSec + deps.tokenLifetimeSec,
        name,
        oid: objectId,
        preferred_username: user.username,
        sub: createHash("sha256").update(`${objectId}:${credentials.id}`).digest("base64url").slice(0, 43),
        tid: tenant.tenantId,
        ver: "2.0",
      },
      deps.key,
    );
    return {
      ...answer,
      scope: granted.map((scope) => `${api.identifierUri ?? api.appId}/${scope}`).join(" "),
      id_token: idToken,
      client_info: Buffer.from(JSON.stringify({ uid: objectId, utid: tenant.tenantId })).toString(
        "base64url",
      ),
    };
  }

  return {
    handles: (path) => ENTRA_PATH.test(path),
    serve(req, res, facts) {
      const [, segment = "", endpoint = ""] = ENTRA_PATH.exec(facts.path) ?? [];
      try {
        const tenant = tenantOf(segment);
        if (endpoint.startsWith("oauth2")) {
          if (facts.method !== "POST") {
            throw new EntraError(405, "invalid_request", 900561, "The endpoint only accepts POST requests.");
          }
          const form = new URLSearchParams(facts.body.toString("utf8"));
          const grant = form.get("grant_type");
          if (!grant) throw missing("grant_type");
          if (grant === "client_credentials") return sendJson(res, 200, clientCredentials(tenant, req, form));
          if (grant === "password") return sendJson(res, 200, password(tenant, req, form));
          throw new EntraError(
            400,
            "unsupported_grant_type",
            70003,
            `The app requested an unsupported grant type '${grant}'.`,
          );
        }
        if (facts.method !== "GET") {
          throw new EntraError(405, "invalid_request", 900561, "The endpoint only accepts GET requests.");
        }
        if (endpoint.startsWith("discovery")) {
          // Each key says which issuer it signs for, as Entra's keys documents do.
          const issuer = issuerOf(tenant.tenantId);
          return sendJson(res, 200, { keys: [{ ...deps.key.publicJwk, issuer }] });
        }
        return sendJson(res, 200, discovery(tenant));
      } catch (error) {
        if (!(error instanceof EntraError)) throw error;
        sendEntraError(res, error, deps.now());
      }
    },
  };
}
