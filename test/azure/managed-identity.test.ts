/**
 * Emulator mode authenticates as on App Service: the product's own clients, built from settings with no
 * credential given, get their tokens from the managed-identity endpoint named by `IDENTITY_ENDPOINT` and
 * `IDENTITY_HEADER` — here the emulator's — and build a resource group and write and read a Key Vault
 * secret with them, over real HTTPS.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startEmulator, type RunningEmulator, readTokenClaims } from "@azure-env-provisioner/azure-emulator";
import { ARM_SCOPE, createAzureClients, type AzureClients } from "../../lib/azure/clients";
import { isConfigError, loadConfig } from "../../lib/config";

const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000c1";
const TENANT = "00000000-0000-0000-0000-0000000000c2";
/** Not the emulator's default principal, so a token minted for anyone else would be refused by RBAC. */
const PRINCIPAL = "4e1c2b7a-93d5-4f0e-8a61-0c5d2f7b9e11";
const KEY_VAULT_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
const TIME_SCALE = 0.001;

describe("emulator mode's credential: the managed identity at IDENTITY_ENDPOINT", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "provisioner-identity-"));
  let emulator: RunningEmulator;
  let clients: AzureClients;
  const settings = () => ({
    PROVISIONER_ARM_ENDPOINT: emulator.armEndpoint,
    PROVISIONER_CA_CERT_PATH: emulator.caCertPath,
    PROVISIONER_SUBSCRIPTION_ID: SUBSCRIPTION,
    PROVISIONER_PRINCIPAL_ID: PRINCIPAL,
  });

  before(async () => {
    emulator = await startEmulator({
      dataDir,
      timeScale: TIME_SCALE,
      managedIdentity: { principalId: PRINCIPAL, tenantId: TENANT },
    });
  });
  after(async () => {
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("is refused without IDENTITY_ENDPOINT and IDENTITY_HEADER, naming them (never the VM metadata endpoint)", () => {
    delete process.env.IDENTITY_ENDPOINT;
    delete process.env.IDENTITY_HEADER;
    assert.throws(
      () => createAzureClients(loadConfig(settings())),
      (error: unknown) => isConfigError(error) && /IDENTITY_ENDPOINT and IDENTITY_HEADER/.test(error.message),
    );
  });

  test("builds a resource group and writes and reads a Key Vault secret with no other credential", async () => {
    process.env.IDENTITY_ENDPOINT = emulator.identityEndpoint;
    process.env.IDENTITY_HEADER = emulator.identityHeader;
    clients = createAzureClients(loadConfig(settings()), { lroPollIntervalMs: 10 });
    assert.equal(clients.credential.constructor.name, "ManagedIdentityCredential");
    const token = await clients.credential.getToken(ARM_SCOPE);
    assert.deepEqual(
      { oid: readTokenClaims(token?.token ?? "")?.oid, tid: readTokenClaims(token?.token ?? "")?.tid },
      { oid: PRINCIPAL, tid: TENANT },
    );

    const group = await clients.resources.resourceGroups.createOrUpdate("rg-identity", {
      location: "eastus2",
    });
    assert.equal(group.properties?.provisioningState, "Succeeded");
    const vault = await clients.keyVault.vaults.createOrUpdate(
      "rg-identity",
      "kv-identity-1",
      {
        location: "eastus2",
        properties: {
          tenantId: TENANT,
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
        },
      },
      { updateIntervalInMs: 10 },
    );
    const vaultId = vault.id ?? "";
    await clients.authorization.roleAssignments.create(vaultId, "0f5e3c1a-7b2d-4c8e-9a1f-3d6b8e2c4a01", {
      roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_SECRETS_OFFICER}`,
      principalId: PRINCIPAL,
      principalType: "ServicePrincipal",
    });
    const secrets = await clients.secretClientForVault(vaultId);
    // RBAC propagation, as on Azure: the data plane answers 403 until the assignment has spread
    // (30 s x the time scale here), so retry a few times. The role is the identity's alone, so the
    // write succeeding also shows whose token the client sent.
    for (let attempt = 0; ; attempt++) {
      try {
        await secrets.setSecret("db-password", "from-the-managed-identity");
        break;
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 403 || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    assert.equal((await secrets.getSecret("db-password")).value, "from-the-managed-identity");
  });
});
