/**
 * Purging an environment's soft-deleted Key Vault, when a destroy asks for it: deleting a vault only
 * soft-deletes it, and its name stays reserved for the retention period (docs/azure-facts.md#failure-case-6). The purge is a
 * long-running operation; this step sends it and returns the operation for `checkOperation` to watch,
 * like every other write, so no activity blocks on it.
 */
import type { AzureClients } from "../lib/azure/clients";
import type { StepPermissions } from "../lib/azure/permissions";
import {
  AzureError,
  classifyAzureError,
  isNotFoundError,
  retryAfterMsFromHeaders,
} from "../lib/azure/errors";
import { parseResourceId } from "../lib/azure/resource-id";
import { latencyOf } from "../lib/latency-model";
import { keyVaultAdapter } from "./adapters/key-vault";
import { submitted } from "./adapters/types";
import { captureInitialResponse } from "./arm-step";
import type { ArmOperation, PurgeDeletedVaultInput, WriteResult } from "./contract";

/**
 * What the purge needs: the purge itself and the read of its long-running operation. A destroy that asks
 * for a purge runs it for the plan's `keyVault` node (docs/deploy.md#least-privilege).
 */
export const PURGE_DELETED_VAULT_PERMISSIONS: StepPermissions = {
  actions: [
    "Microsoft.KeyVault/locations/deletedVaults/purge/action",
    "Microsoft.KeyVault/locations/operationResults/read",
  ],
};

/**
 * Azure's answers to purging a vault that has purge protection: Azure says `MethodNotAllowed` /
 * `InvalidOperation` ("Operation 'DeletedVaultPurge' is not allowed"), the emulator
 * `VaultPurgeProtected` (a 409, which would otherwise read as "busy" and be retried in vain).
 */
const PURGE_REFUSED_CODES = new Set(
  ["VaultPurgeProtected", "MethodNotAllowed", "InvalidOperation"].map((code) => code.toLowerCase()),
);

/**
 * A refusal to purge is the vault's purge protection: nothing a retry changes. Classified
 * `invalidRequest`, keeping Azure's code and message, so the destroy reports why the vault was kept.
 */
function refusalOf(error: AzureError): AzureError | undefined {
  const refused =
    PURGE_REFUSED_CODES.has(error.code.toLowerCase()) ||
    /purge protection|'DeletedVaultPurge' is not allowed/i.test(error.message);
  if (!refused) return undefined;
  return new AzureError({
    ...error.toSummary(),
    kind: "invalidRequest",
    retryable: false,
    retryAfterMs: undefined,
  });
}

/** The purge step over `clients`. */
export function createPurgeDeletedVaultStep(clients: AzureClients) {
  const pollIntervalMs = (retryAfterMs: number | undefined): number =>
    retryAfterMs !== undefined && retryAfterMs > 0
      ? retryAfterMs
      : (clients.config.pollIntervalMs ?? latencyOf(keyVaultAdapter.armType).pollIntervalSec * 1000);

  /**
   * Purges the soft-deleted vault of `node`: `succeeded` when it is gone (or was never soft-deleted:
   * absent is success), `pending` with the operation to check while Azure purges it.
   * @throws AzureError (classified); `invalidRequest` with Azure's code and message when purge protection
   *   forbids the purge
   */
  async function purge({ node }: PurgeDeletedVaultInput): Promise<WriteResult> {
    const { name } = parseResourceId(node.id);
    const location = typeof node.desired.location === "string" ? node.desired.location : "";
    const base = { nodeKey: node.key, resourceId: node.id, action: "delete" as const };
    const capture = captureInitialResponse(clients.lroPollIntervalMs);
    try {
      await submitted(clients.keyVault.vaults.purgeDeleted(name, location, capture.options));
    } catch (error) {
      const classified = classifyAzureError(error, node.id);
      if (isNotFoundError(classified)) return { ...base, outcome: "succeeded" };
      throw refusalOf(classified) ?? classified;
    }
    const initial = capture.initial();
    if (initial?.status !== 202) return { ...base, outcome: "succeeded" };
    const statusUrl = initial.header("azure-asyncoperation") ?? initial.header("operation-location");
    const locationUrl = initial.header("location");
    // Without a URL to watch (Azure gives one), the check falls back to the vault itself, which is
    // already gone from its resource group: it reports success at once.
    const operation: ArmOperation = {
      nodeKey: node.key,
      kind: "keyVault",
      resourceId: node.id,
      action: "delete",
      ...(statusUrl ? { statusUrl } : locationUrl ? { locationUrl } : {}),
    };
    return {
      ...base,
      outcome: "pending",
      operation,
      nextCheckAfterMs: pollIntervalMs(retryAfterMsFromHeaders(initial.header)),
    };
  }

  return { purge };
}
