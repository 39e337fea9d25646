/**
 * What the emulated Microsoft Entra ID knows: per tenant, the APIs registered in it (the resources tokens
 * are issued for), the confidential clients that get tokens with client credentials, and the users who
 * sign in with a password through a public client (ROPC). App roles and group memberships are given per
 * principal, as an administrator assigns them; they become the tokens' `roles` and `groups` claims.
 */
import { createHash } from "node:crypto";

/** An API registered in a tenant (an app registration exposing an API). */
export interface EntraApiOptions {
  /** Application (client) id: the `aud` of its v2.0 access tokens. */
  readonly appId: string;
  /** Application ID URI (`api://…`): scopes may name the API by it instead of its app id. */
  readonly identifierUri?: string;
  /** Delegated permissions it exposes (the `scp` claim of user tokens). @default [] */
  readonly scopes?: readonly string[];
  /** Whether its tokens carry the `groups` claim (`groupMembershipClaims: SecurityGroup`). @default true */
  readonly groupClaims?: boolean;
}

/** App roles and groups of a principal. */
export interface EntraGrants {
  /** App roles assigned to the principal, per API app id: the `roles` claim of tokens for that API. */
  readonly appRoles?: Readonly<Record<string, readonly string[]>>;
  /** Object ids of the groups it is a member of: the `groups` claim (beyond 200: the overage claim). */
  readonly groups?: readonly string[];
}

/** A confidential client (an app registration with a client secret), signing in as itself. */
export interface EntraClientOptions extends EntraGrants {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Object id of its service principal: the tokens' `oid` and `sub`. @default - derived from the client id */
  readonly objectId?: string;
  readonly displayName?: string;
}

/** A user who signs in with a password (ROPC) through one of the tenant's public clients. */
export interface EntraUserOptions extends EntraGrants {
  /** User principal name: the tokens' `preferred_username`. */
  readonly username: string;
  readonly password: string;
  /** @default - derived from the username */
  readonly objectId?: string;
  /** The `name` claim. @default the username */
  readonly displayName?: string;
}

/** One tenant. */
export interface EntraTenantOptions {
  readonly tenantId: string;
  readonly apis?: readonly EntraApiOptions[];
  readonly clients?: readonly EntraClientOptions[];
  /** Application ids of public clients users sign in through (no secret). @default [] */
  readonly publicClients?: readonly string[];
  readonly users?: readonly EntraUserOptions[];
}

/** The emulated directory. */
export interface EntraOptions {
  /** @default one tenant, DEFAULT_EMULATOR_TENANT_ID, with nothing registered */
  readonly tenants?: readonly EntraTenantOptions[];
  /**
   * Access token lifetime in seconds. Entra picks 60–90 minutes at random; a fixed hour keeps tests
   * predictable. @default 3600
   */
  readonly tokenLifetimeSec?: number;
}

/** A GUID derived from `seed`, so configured principals without an object id keep the same one. */
export function derivedGuid(seed: string): string {
  const h = createHash("sha256").update(seed.toLowerCase()).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Lookups over one tenant's registrations. */
export class EntraTenant {
  constructor(readonly options: EntraTenantOptions) {}

  get tenantId(): string {
    return this.options.tenantId;
  }

  /** The API a scope's resource part names, by app id or application ID URI (case-insensitive, as Entra). */
  api(resource: string): EntraApiOptions | undefined {
    const wanted = resource.replace(/\/+$/, "").toLowerCase();
    return (this.options.apis ?? []).find(
      (api) =>
        api.appId.toLowerCase() === wanted || api.identifierUri?.replace(/\/+$/, "").toLowerCase() === wanted,
    );
  }

  client(clientId: string): EntraClientOptions | undefined {
    return (this.options.clients ?? []).find(
      (client) => client.clientId.toLowerCase() === clientId.toLowerCase(),
    );
  }

  isPublicClient(clientId: string): boolean {
    return (this.options.publicClients ?? []).some((id) => id.toLowerCase() === clientId.toLowerCase());
  }

  user(username: string): EntraUserOptions | undefined {
    return (this.options.users ?? []).find((user) => user.username.toLowerCase() === username.toLowerCase());
  }
}

/** Tenants by id (lower-cased). */
export function tenantsOf(tenants: readonly EntraTenantOptions[]): Map<string, EntraTenant> {
  return new Map(tenants.map((tenant) => [tenant.tenantId.toLowerCase(), new EntraTenant(tenant)]));
}
