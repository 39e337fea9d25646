import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { SecretClient } from "@azure/keyvault-secrets";
import type { RunningEmulator } from "../src/index.js";
import { KEY_VAULT_ROLES } from "../src/keyvault/index.js";
import { armClients, LOCATION, poll, vaultBody } from "./fixtures.js";
import type { ArmClients } from "./fixtures.js";
import { credential, ROLE_PROPAGATION_WAIT_MS, startTestEmulator, SUBSCRIPTION_ID } from "./harness.js";

describe("Key Vault data plane through the full emulator", () => {
  let emulator: RunningEmulator;
  let clients: ArmClients;

  before(async () => {
    emulator = await startTestEmulator();
    clients = armClients(emulator);
  });
  after(() => emulator.stop());

  test("creates a vault with arm-keyvault, then sets, reads, deletes and recovers a secret at its vaultUri", async () => {
    const rg = "rg-kv-plane";
    await clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION });
    const vault = await clients.keyVault.vaults.createOrUpdate(rg, "kv-plane-it", vaultBody(), poll);
    const vaultUri = vault.properties.vaultUri ?? "";
    await clients.authorization.roleAssignments.create(
      vault.id ?? "",
      "33333333-3333-4333-8333-333333333333",
      {
        roleDefinitionId: `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_ROLES.secretsOfficer}`,
        principalId: credential.objectId,
      },
    );
    await delay(ROLE_PROPAGATION_WAIT_MS);

    const secrets = new SecretClient(vaultUri, credential, {
      tlsOptions: { ca: emulator.caCertPem },
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 0 },
    });
    const set = await secrets.setSecret("db-password", "s3cret");
    assert.equal(set.properties.vaultUrl, vaultUri.replace(/\/$/, ""));
    assert.equal((await secrets.getSecret("db-password")).value, "s3cret");

    await (await secrets.beginDeleteSecret("db-password", { intervalInMs: 10 })).pollUntilDone();
    await assert.rejects(secrets.setSecret("db-password", "again"), { statusCode: 409 });
    await (await secrets.beginRecoverDeletedSecret("db-password", { intervalInMs: 10 })).pollUntilDone();
    assert.equal((await secrets.getSecret("db-password")).value, "s3cret");
  });
});
