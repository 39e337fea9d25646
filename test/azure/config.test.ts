import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isConfigError, loadConfig } from "../../lib/config";
import { createAzureClients } from "../../lib/azure/clients";

const SUB = "11111111-2222-3333-4444-555555555555";

describe("provisioner settings", () => {
  it("selects real Azure when no ARM endpoint is set", () => {
    const config = loadConfig({ PROVISIONER_SUBSCRIPTION_ID: SUB });
    assert.equal(config.emulatorMode, false);
    assert.equal(config.subscriptionId, SUB);
    assert.deepEqual(config.allowedIpRanges, []);
  });

  it("selects emulator mode when the ARM endpoint is set, and treats empty settings as unset", () => {
    const config = loadConfig({
      PROVISIONER_ARM_ENDPOINT: "https://127.0.0.1:8443/",
      PROVISIONER_SUBSCRIPTION_ID: "",
      PROVISIONER_POLL_INTERVAL_MS: "250",
      PROVISIONER_ALLOWED_IP_RANGES: "203.0.113.0/24, 198.51.100.7",
    });
    assert.equal(config.emulatorMode, true);
    assert.equal(config.armEndpoint, "https://127.0.0.1:8443");
    assert.equal(config.pollIntervalMs, 250);
    assert.deepEqual(config.allowedIpRanges, ["203.0.113.0/24", "198.51.100.7"]);
  });

  it("fails naming every bad setting", () => {
    assert.throws(
      () =>
        loadConfig({
          PROVISIONER_SUBSCRIPTION_ID: "not-a-guid",
          PROVISIONER_POLL_INTERVAL_MS: "-5",
          PROVISIONER_ARM_ENDPOINT: "http://127.0.0.1:1",
        }),
      (error: unknown) =>
        isConfigError(error) &&
        ["PROVISIONER_SUBSCRIPTION_ID", "PROVISIONER_POLL_INTERVAL_MS", "PROVISIONER_ARM_ENDPOINT"].every(
          (name) => error.message.includes(name),
        ),
    );
  });

  it("fails without a subscription on real Azure", () => {
    assert.throws(
      () => loadConfig({}),
      (error: unknown) => isConfigError(error) && /PROVISIONER_SUBSCRIPTION_ID/.test(error.message),
    );
  });
});

describe("the client factory", () => {
  it("refuses to send an ARM token to an origin other than the ARM endpoint", async () => {
    const clients = createAzureClients(loadConfig({ PROVISIONER_ARM_ENDPOINT: "https://127.0.0.1:9" }), {
      credential: { getToken: () => Promise.reject(new Error("no token should be asked for")) },
    });
    await assert.rejects(
      clients.getArm("https://attacker.example/operations/1"),
      /refusing to send an ARM token/,
    );
  });
});
