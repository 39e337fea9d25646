/**
 * Who may call a vault: the bearer token (401 challenge otherwise), the injected firewall lag, and Azure
 * RBAC when the vault uses it. Checked before the body is read, as Key Vault does: `SecretClient` sends
 * its first request without a token and an empty body, and expects the challenge back.
 */
import type { DataPlaneContext, Principal, VaultInfo } from "../dataplane";
import { KEY_VAULT_AUDIENCE } from "../dataplane";
import { keyVaultErrors } from "./errors";

/**
 * Built-in role definition ids that grant Key Vault secret and certificate data actions ("Azure built-in
 * roles for Key Vault data plane operations", the Key Vault RBAC guide).
 */
export const KEY_VAULT_ROLES = {
  administrator: "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  secretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  secretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  certificatesOfficer: "a4417e6f-fecd-4de8-b567-7b0420556985",
  certificateUser: "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
} as const;

/**
 * What an operation needs: reading secret contents and metadata (`read`), managing secrets (`manage`),
 * reading certificates (`certificateRead`), importing and managing them (`certificateManage`).
 */
export type SecretAccess = "read" | "manage" | "certificateRead" | "certificateManage";

const ROLES_BY_ACCESS: Readonly<Record<SecretAccess, readonly string[]>> = {
  // Certificate User reads "entire certificate contents including secret and key portion".
  read: [
    KEY_VAULT_ROLES.administrator,
    KEY_VAULT_ROLES.secretsOfficer,
    KEY_VAULT_ROLES.secretsUser,
    KEY_VAULT_ROLES.certificateUser,
  ],
  manage: [KEY_VAULT_ROLES.administrator, KEY_VAULT_ROLES.secretsOfficer],
  certificateRead: [
    KEY_VAULT_ROLES.administrator,
    KEY_VAULT_ROLES.certificatesOfficer,
    KEY_VAULT_ROLES.certificateUser,
  ],
  certificateManage: [KEY_VAULT_ROLES.administrator, KEY_VAULT_ROLES.certificatesOfficer],
};

/**
 * The caller behind a request, or a 401 challenge naming the vault's tenant. A token from another tenant
 * is refused like Key Vault refuses it (wrong issuer).
 */
export function authenticateCaller(
  ctx: DataPlaneContext,
  vault: VaultInfo,
  authorization: string | undefined,
): Principal {
  if (!authorization)
    throw keyVaultErrors.unauthorized(vault.tenantId, "AKV10000: Request is missing a Bearer or PoP token.");
  const principal = ctx.authenticate(authorization, KEY_VAULT_AUDIENCE);
  if (!principal) {
    throw keyVaultErrors.unauthorized(
      vault.tenantId,
      "AKV10022: Invalid audience, or the token is malformed or expired.",
    );
  }
  if (
    principal.tenantId &&
    vault.tenantId &&
    principal.tenantId.toLowerCase() !== vault.tenantId.toLowerCase()
  ) {
    throw keyVaultErrors.unauthorized(
      vault.tenantId,
      "AKV10032: Invalid issuer: the token is from another tenant.",
    );
  }
  return principal;
}

/** Refuses every caller while the injected "firewall not yet applied" lag of a new vault lasts. */
export function checkFirewall(ctx: DataPlaneContext, vault: VaultInfo): void {
  if (ctx.keyVaultFirewallLagRemainingMs(vault.createdAtMs) > 0)
    throw keyVaultErrors.forbiddenByFirewall(vault.name);
}

/**
 * On an RBAC vault, requires a role granting `access` at the vault's scope (or above). Vaults on access
 * policies let every authenticated caller through: the emulator does not model access policies.
 */
export function checkRbac(
  ctx: DataPlaneContext,
  vault: VaultInfo,
  principal: Principal,
  access: SecretAccess,
  action: string,
): void {
  if (!vault.enableRbacAuthorization) return;
  if (!ctx.hasRole(principal.objectId, vault.id, ROLES_BY_ACCESS[access])) {
    throw keyVaultErrors.forbiddenByRbac(vault.id, principal.objectId, action);
  }
}
