/**
 * Microsoft.KeyVault vaults with soft delete: DELETE keeps the name reserved as a deleted vault; a PUT
 * with `createMode: recover` brings it back (secrets included), purge forgets it. Its management client
 * polls PUT through `Location`; DELETE is synchronous.
 */
import { KEY_VAULT_SCHEMAS } from "../arm-schema/index.js";
import { valueAt } from "../body-path.js";
import type { VaultInfo } from "../dataplane.js";
import { conflict, notFound } from "../errors.js";
import { subscriptionOf } from "../resource-path.js";
import type { ResourceTypeSpec } from "../resource-type.js";
import type { StoredResource } from "../store.js";
import { privateEndpointConnectionsOf } from "./private-link.js";
import { locationOf, propertiesOf } from "./shared.js";

export const VAULT_TYPE = "Microsoft.KeyVault/vaults";
const DAY_MS = 24 * 3600 * 1000;
/** Azure's default soft-delete retention. */
const DEFAULT_RETENTION_DAYS = 90;

/** How the ARM core describes a vault to its data plane. */
export function vaultInfoOf(resource: StoredResource): VaultInfo {
  const props = propertiesOf(resource.body);
  return {
    id: resource.id,
    name: resource.name,
    tenantId: String(props.tenantId ?? ""),
    createdAtMs: resource.createdAtMs,
    // The 2026-02-01 default: on unless the vault turns it off.
    enableRbacAuthorization: props.enableRbacAuthorization !== false,
    softDeleteRetentionInDays: Number(props.softDeleteRetentionInDays ?? DEFAULT_RETENTION_DAYS),
    purgeProtection: props.enablePurgeProtection === true,
  };
}

export const vaultSpec: ResourceTypeSpec = {
  schemas: [KEY_VAULT_SCHEMAS.vault],
  type: VAULT_TYPE,
  // 200/201 with the vault, `provisioningState: RegisteringDns` until its name resolves; clients poll the
  // vault (2026-02-01 `VaultProvisioningState`: Succeeded, RegisteringDns).
  putStyle: "provisioning-state",
  transitionalStates: { create: "RegisteringDns", update: "RegisteringDns" },
  // vaults.update (PATCH) is a plain 200/201 call in the management client.
  patchStyle: "sync",
  deleteStyle: "sync",
  tracked: true,
  // 3-24 letters, digits and single hyphens; starts with a letter, ends with a letter or digit.
  namePattern: /^(?!.*--)[A-Za-z][-A-Za-z0-9]{1,22}[A-Za-z0-9]$/,
  globalNameTakenCode: "VaultAlreadyExists",
  validate({ id, name, request, existing, env }) {
    const recover = String(valueAt(request, "properties.createMode") ?? "").toLowerCase() === "recover";
    const held = env.store.deletedVault(name);
    if (existing) return;
    // A deleted vault's name stays reserved everywhere, but only its own subscription may recover it.
    if (held && subscriptionOf(held.vaultId)?.toLowerCase() !== subscriptionOf(id)?.toLowerCase()) {
      throw conflict(
        "VaultAlreadyExists",
        `The vault name '${name}' is already in use (in soft-delete mode or in another subscription).`,
      );
    }
    const deleted = held;
    if (deleted && !recover) {
      throw conflict(
        "ConflictError",
        `A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault. Vault name: '${name}'.`,
      );
    }
    if (!deleted && recover) {
      throw notFound("DeletedVaultNotFound", `There is no deleted vault named '${name}' to recover.`);
    }
  },
  // The spec's defaults (2026-02-01: RBAC authorization is on unless turned off).
  defaults: () => ({
    tags: {},
    properties: {
      accessPolicies: [],
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      enableSoftDelete: true,
      softDeleteRetentionInDays: DEFAULT_RETENTION_DAYS,
      enableRbacAuthorization: true,
      publicNetworkAccess: "Enabled",
    },
  }),
  renderExtra: (resource, env) => {
    const connections = privateEndpointConnectionsOf(resource, env, true);
    return connections.length === 0 ? {} : { properties: { privateEndpointConnections: connections } };
  },
  async afterWrite(resource, env) {
    // A recovered vault is no longer deleted; its data plane reopens with the secrets it kept.
    env.store.removeDeletedVault(resource.name);
    const vaultUri = await env.openVault(resource);
    resource.readOnly = {
      ...resource.readOnly,
      properties: { ...propertiesOf(resource.readOnly), vaultUri },
    };
  },
  async afterDelete(resource, env) {
    await env.closeVault(resource);
    const info = vaultInfoOf(resource);
    const now = env.now();
    env.store.putDeletedVault({
      name: resource.name,
      location: locationOf(resource),
      vaultId: resource.id,
      deletionDateMs: now,
      scheduledPurgeDateMs: now + info.softDeleteRetentionInDays * DAY_MS,
      purgeProtection: info.purgeProtection,
      tags: (resource.body.tags ?? {}) as Record<string, unknown>,
      resource,
    });
  },
};
