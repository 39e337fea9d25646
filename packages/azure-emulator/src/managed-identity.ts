/**
 * The App Service managed-identity token endpoint, as App Service and Azure Functions serve it to the
 * app: plain HTTP on loopback at `IDENTITY_ENDPOINT`, guarded by the `X-IDENTITY-HEADER` header, which
 * must equal `IDENTITY_HEADER`. An app that uses `@azure/identity`'s `ManagedIdentityCredential` (or
 * `DefaultAzureCredential`) therefore gets emulator tokens with no emulator code in it: the same code
 * path it runs on Azure.
 *
 * Protocol ("Managed identities for App Service and Azure Functions", REST endpoint reference,
 * https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference):
 *   GET {IDENTITY_ENDPOINT}?resource=<audience>&api-version=2019-08-01   X-IDENTITY-HEADER: {IDENTITY_HEADER}
 *   200 { access_token, expires_on (epoch seconds, as a string), resource, token_type: "Bearer", client_id }
 * Optional `client_id`, `principal_id` (alias `object_id`) or `mi_res_id` select a user-assigned identity;
 * this endpoint holds one identity and refuses a selector that names another. Errors answer
 * `{ statusCode, message, correlationId }`, the shape MSAL reads (`message`, `correlationId`).
 *
 * The tokens are the emulator's unsigned JWTs (see credential.ts), for the configured principal and tenant.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  audienceOfScope,
  DEFAULT_EMULATOR_PRINCIPAL_ID,
  DEFAULT_EMULATOR_TENANT_ID,
  mintEmulatorToken,
} from "./credential.js";

/** The only api-version of the protocol that uses `X-IDENTITY-HEADER` (2017-09-01 used a `secret` header). */
export const IDENTITY_API_VERSION = "2019-08-01";
/** Where the token endpoint answers on its listener; App Service's own path. */
const TOKEN_PATH = "/msi/token";
const HEADER_NAME = "x-identity-header";

/** The identity the endpoint hands out tokens for. */
export interface ManagedIdentityOptions {
  /** Object id of the identity's service principal: the tokens' `oid`. @default DEFAULT_EMULATOR_PRINCIPAL_ID */
  readonly principalId?: string;
  /** @default DEFAULT_EMULATOR_TENANT_ID */
  readonly tenantId?: string;
  /** Application (client) id of the identity, answered as `client_id`. @default - derived from the principal id */
  readonly clientId?: string;
  /** The `IDENTITY_HEADER` secret. @default - random per start, as App Service rotates it */
  readonly identityHeader?: string;
  /** Loopback port. @default 0 - a free port */
  readonly port?: number;
  /** Token lifetime in seconds. @default 3600 */
  readonly lifetimeSec?: number;
}

/** A listening token endpoint. */
export interface ManagedIdentityEndpoint {
  /** What `IDENTITY_ENDPOINT` must be set to: `http://127.0.0.1:<port>/msi/token`. */
  readonly endpoint: string;
  /** What `IDENTITY_HEADER` must be set to. */
  readonly header: string;
  readonly principalId: string;
  readonly tenantId: string;
  readonly clientId: string;
  close(): Promise<void>;
}

/**
 * A stable application (client) id for a principal: on Azure the two ids of an identity differ, so a
 * caller that confuses them fails here as it would there.
 */
function clientIdOf(principalId: string): string {
  const hex = createHash("sha256").update(`client-id:${principalId.toLowerCase()}`).digest("hex");
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `8${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join("-");
}

function refuse(res: ServerResponse, statusCode: number, message: string): void {
  const body = JSON.stringify({ statusCode, message, correlationId: randomUUID() });
  res.writeHead(statusCode, { "content-type": "application/json; charset=utf-8" });
  res.end(body);
}

/** Starts the endpoint on 127.0.0.1. */
export async function startManagedIdentityEndpoint(
  options: ManagedIdentityOptions = {},
): Promise<ManagedIdentityEndpoint> {
  const principalId = options.principalId ?? DEFAULT_EMULATOR_PRINCIPAL_ID;
  const tenantId = options.tenantId ?? DEFAULT_EMULATOR_TENANT_ID;
  const clientId = options.clientId ?? clientIdOf(principalId);
  const header = options.identityHeader ?? randomBytes(24).toString("hex");
  const lifetimeSec = options.lifetimeSec ?? 3600;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname.replace(/\/+$/, "").toLowerCase() !== TOKEN_PATH) {
      refuse(res, 404, `No managed identity endpoint at ${url.pathname}.`);
      return;
    }
    if (req.method !== "GET") {
      res.setHeader("allow", "GET");
      refuse(res, 405, `The managed identity endpoint answers GET, not ${req.method}.`);
      return;
    }
    // The header is App Service's guard against server-side request forgery: a request without it did
    // not come from the app's own code, one with the wrong value is not authorised.
    const given = req.headers[HEADER_NAME];
    if (given === undefined) {
      refuse(res, 400, "The X-IDENTITY-HEADER header is required.");
      return;
    }
    if (given !== header) {
      refuse(res, 401, "The X-IDENTITY-HEADER header does not match IDENTITY_HEADER.");
      return;
    }
    const query = url.searchParams;
    if (query.get("api-version") !== IDENTITY_API_VERSION) {
      refuse(res, 400, `api-version must be ${IDENTITY_API_VERSION}.`);
      return;
    }
    const resource = query.get("resource");
    if (!resource) {
      refuse(res, 400, "The resource query parameter is required.");
      return;
    }
    const selectors: [string, string][] = [
      ["client_id", clientId],
      ["principal_id", principalId],
      ["object_id", principalId],
    ];
    const other = selectors.find(([name, own]) => {
      const value = query.get(name);
      return value !== null && value.toLowerCase() !== own.toLowerCase();
    });
    if (other || query.has("mi_res_id")) {
      refuse(
        res,
        400,
        "Unable to load the requested managed identity: this app has only its system-assigned one.",
      );
      return;
    }
    const nowSec = Math.floor(Date.now() / 1000);
    // Rounded up so a token is never born expired (the claims are whole seconds).
    const exp = Math.ceil(Date.now() / 1000) + lifetimeSec;
    const accessToken = mintEmulatorToken({
      aud: audienceOfScope(resource),
      oid: principalId,
      tid: tenantId,
      exp,
      iat: nowSec,
    });
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    res.end(
      JSON.stringify({
        access_token: accessToken,
        expires_on: String(exp),
        resource,
        token_type: "Bearer",
        client_id: clientId,
      }),
    );
  };

  const server = createServer(handle);
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  return {
    endpoint: `http://127.0.0.1:${port}${TOKEN_PATH}`,
    header,
    principalId,
    tenantId,
    clientId,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
