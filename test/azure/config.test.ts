import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isConfigError, isSubscriptionAllowed, loadConfig } from "../../lib/config";
import { createAzureClients, SUBSCRIPTION_NOT_ALLOWED_CODE } from "../../lib/azure/clients";
import { isAzureError } from "../../lib/azure/errors";

const SUB = "11111111-2222-3333-4444-555555555555";

describe("provisioner settings", () => {
  it("selects real Azure when no ARM endpoint is set", () => {
    const config = loadConfig({ PROVISIONER_SUBSCRIPTION_ID: SUB });
    assert.equal(config.emulatorMode, false);
    assert.deepEqual(config.subscriptionIds, [SUB]);
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
      (error: unknown) => isConfigError(error) && /PROVISIONER_SUBSCRIPTION_IDS/.test(error.message),
    );
  });

  it("reads PROVISIONER_SUBSCRIPTION_IDS as an allow-list, with PROVISIONER_SUBSCRIPTION_ID still one allowed subscription", () => {
    const other = "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE";
    const third = "99999999-8888-4777-8666-555555555555";
    const config = loadConfig({
      PROVISIONER_SUBSCRIPTION_IDS: `${other}, ${third}`,
      PROVISIONER_SUBSCRIPTION_ID: SUB,
    });
    assert.deepEqual(config.subscriptionIds, [other.toLowerCase(), third, SUB]);
    assert.ok(isSubscriptionAllowed(config, other) && isSubscriptionAllowed(config, SUB));
    assert.ok(!isSubscriptionAllowed(config, "12345678-1234-4234-8234-123456789012"));
  });

  it("allows every subscription in emulator mode when no allow-list is set", () => {
    const config = loadConfig({ PROVISIONER_ARM_ENDPOINT: "https://127.0.0.1:8443" });
    assert.deepEqual(config.subscriptionIds, []);
    assert.ok(isSubscriptionAllowed(config, "12345678-1234-4234-8234-123456789012"));
  });

  it("fails naming PROVISIONER_SUBSCRIPTION_IDS when one of its entries is not a GUID", () => {
    assert.throws(
      () => loadConfig({ PROVISIONER_SUBSCRIPTION_IDS: `${SUB},nope` }),
      (error: unknown) => isConfigError(error) && /PROVISIONER_SUBSCRIPTION_IDS/.test(error.message),
    );
  });
});

describe("the client factory", () => {
  const noToken = { getToken: () => Promise.reject(new Error("no token should be asked for")) };

  it("builds one set of clients per allowed subscription, once, sharing the credential", () => {
    const other = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    const clients = createAzureClients(loadConfig({ PROVISIONER_SUBSCRIPTION_IDS: `${SUB},${other}` }), {
      credential: noToken,
    });
    assert.equal(clients.subscriptionId, SUB);
    const second = clients.forSubscription(other.toUpperCase());
    assert.equal(second.subscriptionId, other);
    assert.equal(clients.forSubscription(other), second, "kept, not built again");
    assert.equal(second.forSubscription(SUB), clients);
    assert.equal(second.credential, clients.credential);
  });

  it("fails to build clients for a subscription off the allow-list, before any token is asked for", () => {
    const clients = createAzureClients(loadConfig({ PROVISIONER_SUBSCRIPTION_IDS: SUB }), {
      credential: noToken,
    });
    assert.throws(
      () => clients.forSubscription("12345678-1234-4234-8234-123456789012"),
      (error: unknown) =>
        isAzureError(error) &&
        error.code === SUBSCRIPTION_NOT_ALLOWED_CODE &&
        error.kind === "invalidRequest" &&
        !error.retryable,
    );
  });

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
