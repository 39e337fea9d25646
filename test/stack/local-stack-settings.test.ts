/**
 * What `npm start` hands the app on the emulator: the emulator's endpoints and the managed identity the
 * app authenticates as, whose principal is the local stack's unless `PROVISIONER_PRINCIPAL_ID` says
 * otherwise.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { startEmulator } from "@azure-env-provisioner/azure-emulator";
import { findAppRoot } from "@azure-env-provisioner/functions-devhost";
import { appSettingsOnEmulator, localStackOptions } from "../../local-stack/local-stack";
import { LOCAL_STACK_PRINCIPAL_ID } from "../../lib/config";

const projectRoot = findAppRoot(__filename);
const dataDir = mkdtempSync(join(tmpdir(), "provisioner-stack-settings-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the local stack's settings", () => {
  test("build on real Azure, starting no emulator, once either subscription setting names subscriptions", () => {
    const base = { EMULATOR_TIME_SCALE: "0.5", LOCAL_STACK_DATA_DIR: dataDir };
    const sub = "5a7d1e3c-2b4f-4a6e-8c9d-0e1f2a3b4c5d";
    assert.equal(localStackOptions(projectRoot, base).realAzure, false);
    assert.equal(
      localStackOptions(projectRoot, { ...base, PROVISIONER_SUBSCRIPTION_IDS: sub }).realAzure,
      true,
    );
    assert.equal(
      localStackOptions(projectRoot, { ...base, PROVISIONER_SUBSCRIPTION_ID: sub }).realAzure,
      true,
    );
  });

  test("run the app as the local stack's principal unless PROVISIONER_PRINCIPAL_ID is set", () => {
    const base = { EMULATOR_TIME_SCALE: "0.5", LOCAL_STACK_DATA_DIR: dataDir };
    assert.equal(localStackOptions(projectRoot, base).principalId, LOCAL_STACK_PRINCIPAL_ID);
    const own = "5a7d1e3c-2b4f-4a6e-8c9d-0e1f2a3b4c5d";
    assert.equal(localStackOptions(projectRoot, { ...base, PROVISIONER_PRINCIPAL_ID: own }).principalId, own);
  });

  test("keep function keys alone unless PROVISIONER_AUTH=entra, which makes the emulator the authority", async () => {
    const base = { EMULATOR_TIME_SCALE: "0.5", LOCAL_STACK_DATA_DIR: dataDir };
    assert.equal(localStackOptions(projectRoot, base).signIn, undefined);
    const entra = { tenants: [{ tenantId: "7d3c1a52-7f0e-4b1e-9a6c-3f2b8d1e0a11" }] };
    const options = localStackOptions(projectRoot, {
      ...base,
      PROVISIONER_AUTH: "entra",
      EMULATOR_ENTRA: JSON.stringify(entra),
    });
    assert.equal(options.signIn, true);
    assert.deepEqual(options.entra, entra);
    const emulator = await startEmulator({ dataDir, timeScale: 0.01 });
    try {
      assert.equal(appSettingsOnEmulator(emulator).PROVISIONER_AUTH_AUTHORITY, undefined);
      assert.equal(
        appSettingsOnEmulator(emulator, true).PROVISIONER_AUTH_AUTHORITY,
        emulator.entra.authority,
      );
    } finally {
      await emulator.stop();
    }
  });

  test("point the app at the emulator's ARM endpoint, CA and managed identity, with no subscription allow-list", async () => {
    const principalId = "5a7d1e3c-2b4f-4a6e-8c9d-0e1f2a3b4c5d";
    const emulator = await startEmulator({ dataDir, timeScale: 0.01, managedIdentity: { principalId } });
    try {
      assert.deepEqual(appSettingsOnEmulator(emulator), {
        PROVISIONER_ARM_ENDPOINT: emulator.armEndpoint,
        PROVISIONER_CA_CERT_PATH: emulator.caCertPath,
        PROVISIONER_PRINCIPAL_ID: principalId,
        IDENTITY_ENDPOINT: emulator.identityEndpoint,
        IDENTITY_HEADER: emulator.identityHeader,
      });
    } finally {
      await emulator.stop();
    }
  });
});
