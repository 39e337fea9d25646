/**
 * Soft-deleted Key Vaults at subscription scope: `GET …/deletedVaults` (list),
 * `GET …/locations/{l}/deletedVaults/{n}` and `POST …/deletedVaults/{n}/purge` (a Location-polled
 * operation). A purge-protected vault cannot be purged: it must be recovered (`createMode: recover`).
 * A subscription sees only its own deleted vaults, though their names stay reserved in every subscription.
 */
import { ArmError, conflict, notFound } from "./errors.js";
import type { ArmRequest, ArmResponse } from "./http-types.js";
import { initialAnswer, type OperationUrls } from "./lro-answers.js";
import type { OperationTracker } from "./operations.js";
import type { ProviderEnv } from "./resource-type.js";
import { subscriptionOf } from "./resource-path.js";
import type { DeletedVault } from "./store.js";

/** Deleted-vault paths; groups: subscription, location, name, `/purge`. */
export const DELETED_VAULT_PATH =
  /^\/subscriptions\/([^/]+)\/providers\/microsoft\.keyvault\/(?:locations\/([^/]+)\/)?deletedvaults(?:\/([^/]+))?(\/purge)?$/i;

/** What the deleted-vault routes use. */
export interface DeletedVaultDeps {
  readonly env: ProviderEnv;
  readonly operations: OperationTracker;
  readonly urls: OperationUrls;
}

/** Answers a request whose path matched {@link DELETED_VAULT_PATH}. */
export async function deletedVaultRequest(
  req: ArmRequest,
  match: RegExpExecArray,
  apiVersion: string,
  deps: DeletedVaultDeps,
): Promise<ArmResponse> {
  const [, subscriptionId, location, name, purge] = match;
  const store = deps.env.store;
  const render = (v: DeletedVault) => ({
    id: `/subscriptions/${subscriptionId ?? ""}/providers/Microsoft.KeyVault/locations/${v.location}/deletedVaults/${v.name}`,
    name: v.name,
    type: "Microsoft.KeyVault/deletedVaults",
    properties: {
      vaultId: v.vaultId,
      location: v.location,
      deletionDate: new Date(v.deletionDateMs).toISOString(),
      scheduledPurgeDate: new Date(v.scheduledPurgeDateMs).toISOString(),
      tags: v.tags,
      purgeProtectionEnabled: v.purgeProtection,
    },
  });
  const ours = (vault: DeletedVault) =>
    subscriptionOf(vault.vaultId)?.toLowerCase() === (subscriptionId ?? "").toLowerCase();
  if (name === undefined) {
    if (req.method !== "GET")
      throw new ArmError(405, "MethodNotAllowed", `${req.method} is not supported here.`);
    return { status: 200, body: { value: store.deletedVaults().filter(ours).map(render) } };
  }
  const vault = store.deletedVault(name);
  if (
    !vault ||
    !ours(vault) ||
    (location !== undefined && vault.location !== location.toLowerCase().replace(/\s+/g, ""))
  ) {
    throw notFound("ResourceNotFound", `The deleted vault '${name}' was not found.`);
  }
  if (!purge && req.method === "GET") return { status: 200, body: render(vault) };
  if (!purge || req.method !== "POST")
    throw new ArmError(405, "MethodNotAllowed", `${req.method} is not supported here.`);
  if (vault.purgeProtection) {
    throw conflict(
      "VaultPurgeProtected",
      `Vault '${vault.name}' has purge protection enabled; it cannot be purged before its scheduled purge date. Recover it with createMode 'recover' instead.`,
    );
  }
  store.removeDeletedVault(vault.name);
  deps.env.purgeVault(vault.vaultId);
  // Purging is an operation with a Location URL on Azure; the emulator's finishes at once.
  const op = deps.operations.start({
    resourceId: `${vault.vaultId}#purge`,
    resourceType: "Microsoft.KeyVault/deletedVaults",
    kind: "delete",
    startedAtMs: deps.env.now(),
    endsAtMs: deps.env.now(),
    pollIntervalMs: 0,
  });
  return initialAnswer("location", op, 202, undefined, {
    urls: deps.urls,
    location: vault.location,
    apiVersion,
    nowMs: deps.env.now(),
  });
}
