/**
 * Contract between the emulator's ARM core (listeners, TLS, request log, generic faults, ARM resources)
 * and its data planes (Key Vault secrets in `keyvault/`, the Kubernetes API in
 * `kubernetes/`). The core owns every listener and runs its generic middleware (request log,
 * counters, throttling, probabilistic faults) before handing a request to a data plane.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Who a bearer token says the caller is. */
export interface Principal {
  /** `oid` claim: the principal's object id. */
  readonly objectId: string;
  /** `tid` claim, when present. */
  readonly tenantId?: string;
}

/** What the core gives each data plane. */
export interface DataPlaneContext {
  /** Emulator time in epoch milliseconds (real clock). */
  now(): number;
  /** Multiplier applied to real-Azure durations (0.001 in tests, 1 for realistic timing). */
  timeScale(): number;
  /**
   * Checks an `Authorization: Bearer <jwt>` header: a JWT whose `aud` matches `audience` (any of the
   * accepted spellings for that service) and whose `exp` is in the future. Signatures are not checked:
   * the emulator trusts the caller's credential, as a local stand-in may.
   * @returns the principal, or undefined for a missing, malformed, expired or wrong-audience token.
   */
  authenticate(authorization: string | undefined, audience: string): Principal | undefined;
  /**
   * True when an ARM role assignment (`Microsoft.Authorization/roleAssignments` at `scopeId` or any
   * parent scope) grants `principalId` the role whose definition id ends in one of `roleDefinitionIds`.
   * The assignment only counts once its (scaled) propagation delay has passed, like Azure RBAC.
   */
  hasRole(principalId: string, scopeId: string, roleDefinitionIds: readonly string[]): boolean;
  /**
   * Remaining milliseconds of the injected Key Vault firewall lag for a vault created at
   * `vaultCreatedAtMs` (the fault "403 ForbiddenByFirewall for N seconds after create"); 0 when none.
   */
  keyVaultFirewallLagRemainingMs(vaultCreatedAtMs: number): number;
}

/** A request handler on a data-plane origin. `path` is the URL path without the query. */
export type DataPlaneHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
) => void | Promise<void>;

/** A vault as the ARM core sees it when it opens or closes its data plane. */
export interface VaultInfo {
  readonly id: string;
  readonly name: string;
  readonly tenantId: string;
  readonly createdAtMs: number;
  readonly enableRbacAuthorization: boolean;
  readonly softDeleteRetentionInDays: number;
  readonly purgeProtection: boolean;
}

/** The Key Vault data plane: one origin (port) per vault, owned and dispatched by the core. */
export interface KeyVaultDataPlane {
  /** The vault now answers at its origin (created, or recovered from soft delete). */
  open(vault: VaultInfo): void;
  /** The vault was soft-deleted: its secrets are kept for recovery but its origin refuses requests. */
  close(vaultId: string): void;
  /** The vault was purged: forget every secret. */
  purge(vaultId: string): void;
  /** Handles a request that arrived at the origin of `vaultId`. */
  handle(vaultId: string): DataPlaneHandler;
  /** Serializable state (for the admin state dump and the optional state file). */
  snapshot(): unknown;
  restore(state: unknown): void;
  reset(): void;
}

/** A managed cluster as the ARM core sees it. */
export interface ClusterInfo {
  readonly id: string;
  readonly name: string;
  /** Whether AAD + Azure RBAC is on (tokens for the AKS AAD server app are then required). */
  readonly aadEnabled: boolean;
  readonly localAccountsDisabled: boolean;
  /**
   * Add-ons enabled on the cluster whose CRDs its API server serves: `webAppRouting` (application
   * routing, `approuting.kubernetes.azure.com`) and `istio` (`security.istio.io`). @default none
   */
  readonly addOns?: readonly ("webAppRouting" | "istio")[];
}

/** The Kubernetes API: served per cluster, under a path prefix or an origin of its own (core's choice). */
export interface KubernetesApi {
  open(cluster: ClusterInfo): void;
  close(clusterId: string): void;
  /** Handles a request for `clusterId`; `path` has the core's prefix already removed (`/api/v1/...`). */
  handle(
    clusterId: string,
  ): (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    url: URL,
    body: Buffer,
  ) => void | Promise<void>;
  /** A static admin token for `listClusterAdminCredential` when local accounts are enabled. */
  adminToken(clusterId: string): string;
  snapshot(): unknown;
  restore(state: unknown): void;
  reset(): void;
}

/** The AKS AAD server application id: the audience of tokens for AAD-enabled clusters. */
export const AKS_AAD_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";
/** The Key Vault data plane's token audience. */
export const KEY_VAULT_AUDIENCE = "https://vault.azure.net";
/** ARM's token audience. */
export const ARM_AUDIENCE = "https://management.azure.com";
