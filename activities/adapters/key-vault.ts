/** Adapter for Key Vault (management plane; a modular client, `properties` nested). */
import type { VaultCreateOrUpdateParameters } from "@azure/arm-keyvault";
import { isNotFoundError, classifyAzureError } from "../../lib/azure/errors";
import type { JsonObject } from "../../lib/plan/types";
import { asModel, submitted, type ArmAdapter } from "./types";

export const keyVaultAdapter: ArmAdapter = {
  armType: "Microsoft.KeyVault/vaults",
  permissions: {
    actions: [
      "Microsoft.KeyVault/vaults/read",
      // Also what recovering a soft-deleted vault (createMode recover) needs.
      "Microsoft.KeyVault/vaults/write",
      "Microsoft.KeyVault/vaults/delete",
      // prepareBody looks for a soft-deleted vault of the same name (vaults.getDeleted).
      "Microsoft.KeyVault/locations/deletedVaults/read",
      "Microsoft.KeyVault/locations/operationResults/read",
    ],
  },
  // createMode is an instruction for one PUT, never echoed back.
  compare: { ignoredPaths: ["properties.createMode"] },
  facts: { vaultUri: ["properties.vaultUri"] },
  get: (c, id) => c.keyVault.vaults.get(id.resourceGroup, id.name),
  async prepareBody({ clients, node, id, mode }) {
    if (mode !== "create") return { body: node.desired };
    // A vault name stays reserved for its soft-delete retention (up to 90 days) after the environment
    // is destroyed (docs/azure-facts.md#failure-case-6). Recreating it would fail with a name conflict; recovering it brings
    // the vault and its secrets back, and the next ensure updates whatever differs.
    const location = typeof node.desired.location === "string" ? node.desired.location : "";
    try {
      await clients.keyVault.vaults.getDeleted(id.name, location);
    } catch (error) {
      if (isNotFoundError(classifyAzureError(error))) return { body: node.desired };
      throw error;
    }
    const properties = (node.desired.properties ?? {}) as JsonObject;
    return { body: { ...node.desired, properties: { ...properties, createMode: "recover" } } };
  },
  write: ({ clients, id }, body, options) =>
    submitted(
      clients.keyVault.vaults.createOrUpdate(
        id.resourceGroup,
        id.name,
        asModel<VaultCreateOrUpdateParameters>(body),
        options,
      ),
    ),
  // Deleting a vault soft-deletes it (synchronous); purging is the destroy orchestration's decision.
  remove: (c, id, options) => c.keyVault.vaults.delete(id.resourceGroup, id.name, options),
};
