import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { SecretClient } from "@azure/keyvault-secrets";
import type { RunningEmulator } from "../src/index.js";
import { armClients, LOCATION, poll, redisBody, vaultBody, type ArmClients } from "./fixtures.js";
import {
  credential,
  errorCode,
  rawRequest,
  startTestEmulator,
  SUBSCRIPTION_ID,
  TEST_TIME_SCALE,
} from "./harness.js";

let emulator: RunningEmulator;
let clients: ArmClients;
const rg = "rg-faults";
const groupPath = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${rg}?api-version=2025-04-01`;

before(async () => {
  emulator = await startTestEmulator();
  clients = armClients(emulator);
  await clients.resources.resourceGroups.createOrUpdate(rg, { location: LOCATION });
});
beforeEach(() => emulator.admin.clearFaults());
after(() => emulator.stop());

describe("HTTP faults", () => {
  test("a 500 is retried by the SDK, which then succeeds", async () => {
    emulator.admin.addFaults([
      {
        match: { method: "GET", resourceType: "Microsoft.Resources/resourceGroups" },
        times: 1,
        effect: { kind: "http", status: 500 },
      },
    ]);
    const before = emulator.admin.counters().byStatus["500"] ?? 0;
    const group = await clients.resources.resourceGroups.get(rg);
    assert.equal(group.name, rg);
    assert.equal((emulator.admin.counters().byStatus["500"] ?? 0) - before, 1);
  });

  // Injected Retry-After values are real-Azure seconds, scaled like every other duration: this one is
  // one real second at the test time scale.
  const oneRealSecond = Math.round(1 / TEST_TIME_SCALE);

  test("a 503 with Retry-After makes the SDK wait that (scaled) long, then succeed", async () => {
    emulator.admin.addFaults([
      {
        match: { method: "GET", path: "/resourcegroups/rg-faults$" },
        times: 1,
        effect: { kind: "http", status: 503, retryAfterSec: oneRealSecond },
      },
    ]);
    const startedAt = Date.now();
    await clients.resources.resourceGroups.get(rg);
    assert.ok(Date.now() - startedAt >= 900, `retried after ${Date.now() - startedAt} ms`);
  });

  test("fails with 429 when throttled without Retry-After (the SDK does not retry it)", async () => {
    emulator.admin.addFaults([{ match: { method: "GET" }, times: 1, effect: { kind: "http", status: 429 } }]);
    await assert.rejects(clients.resources.resourceGroups.get(rg), {
      statusCode: 429,
      code: "TooManyRequests",
    });
  });

  test("a 429 with Retry-After is retried after the wait", async () => {
    emulator.admin.addFaults([
      {
        match: { method: "GET" },
        times: 1,
        effect: { kind: "http", status: 429, retryAfterSec: oneRealSecond },
      },
    ]);
    const startedAt = Date.now();
    await clients.resources.resourceGroups.get(rg);
    assert.ok(Date.now() - startedAt >= 900);
  });

  test("a scripted list answers its faults in order, then lets requests through", async () => {
    emulator.admin.addFaults([
      {
        match: { path: "/resourcegroups/rg-faults$" },
        times: 1,
        effect: { kind: "http", status: 503, code: "First" },
      },
      {
        match: { path: "/resourcegroups/rg-faults$" },
        times: 1,
        effect: { kind: "http", status: 500, code: "Second" },
      },
    ]);
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await rawRequest(emulator, "GET", groupPath));
    assert.deepEqual(
      answers.map((a) => [a.status, errorCode(a) ?? null]),
      [
        [503, "First"],
        [500, "Second"],
        [200, null],
      ],
    );
  });

  test("a probabilistic fault fires when the random draw is under its probability", async () => {
    const draws = [0.1, 0.9, 0.4];
    const seeded = await startTestEmulator({
      random: () => draws.shift() ?? 1,
      faults: [{ probability: 0.5, match: { method: "GET" }, effect: { kind: "http", status: 503 } }],
    });
    try {
      const path = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups?api-version=2025-04-01`;
      const statuses = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await rawRequest(seeded, "GET", path)).status);
      assert.deepEqual(statuses, [503, 200, 503]);
    } finally {
      await seeded.stop();
    }
  });

  test("fails to add a malformed fault rule", () => {
    assert.throws(() => emulator.admin.addFaults([{ effect: { kind: "http", status: 200 } }]));
  });
});

describe("operation faults", () => {
  const failed = (resourceType: string) => [
    {
      match: { method: "PUT", resourceType },
      times: 1,
      effect: { kind: "operation-failed", code: "InternalServerError", message: "Injected failure." },
    },
  ];

  test("an Azure-AsyncOperation operation ends Failed with the given code", async () => {
    emulator.admin.addFaults(failed("Microsoft.Network/networkSecurityGroups"));
    await assert.rejects(
      clients.network.networkSecurityGroups.beginCreateOrUpdateAndWait(
        rg,
        "nsg-fails",
        { location: LOCATION },
        poll,
      ),
      /InternalServerError/,
    );
    assert.equal(
      (await clients.network.networkSecurityGroups.get(rg, "nsg-fails")).provisioningState,
      "Failed",
    );
  });

  test("a provisioningState-polled operation ends Failed", async () => {
    emulator.admin.addFaults(failed("Microsoft.Cache/redis"));
    await assert.rejects(
      clients.redis.redis.beginCreateAndWait(rg, "cache-fails", redisBody, poll),
      /failed/i,
    );
  });

  test("a Location-polled operation (a network delete) ends with the given error code", async () => {
    await clients.network.networkSecurityGroups.beginCreateOrUpdateAndWait(
      rg,
      "nsg-delete-fails",
      { location: LOCATION },
      poll,
    );
    emulator.admin.addFaults([
      {
        match: { method: "DELETE", resourceType: "Microsoft.Network/networkSecurityGroups" },
        times: 1,
        effect: { kind: "operation-failed", code: "InternalServerError", message: "Injected failure." },
      },
    ]);
    await assert.rejects(
      clients.network.networkSecurityGroups.beginDeleteAndWait(rg, "nsg-delete-fails", poll),
      {
        code: "InternalServerError",
      },
    );
  });

  test("a vault's create, polled on its provisioningState, ends Failed", async () => {
    emulator.admin.addFaults(failed("Microsoft.KeyVault/vaults"));
    await assert.rejects(
      clients.keyVault.vaults.createOrUpdate(rg, "kv-fails", vaultBody(), poll),
      /failed/i,
    );
    assert.equal((await clients.keyVault.vaults.get(rg, "kv-fails")).properties.provisioningState, "Failed");
  });

  test("an operation that never finishes stays InProgress and keeps its resource busy", async () => {
    emulator.admin.addFaults([
      {
        match: { resourceType: "Microsoft.Network/publicIPAddresses" },
        times: 1,
        effect: { kind: "operation-never-finishes" },
      },
    ]);
    const poller = await clients.network.publicIPAddresses.beginCreateOrUpdate(
      rg,
      "ip-stuck",
      { location: LOCATION },
      poll,
    );
    for (let i = 0; i < 5; i += 1) await poller.poll();
    assert.equal(poller.isDone(), false);
    assert.equal((await clients.network.publicIPAddresses.get(rg, "ip-stuck")).provisioningState, "Creating");
    await assert.rejects(
      clients.network.publicIPAddresses.beginCreateOrUpdateAndWait(
        rg,
        "ip-stuck",
        { location: LOCATION },
        poll,
      ),
      { statusCode: 409, code: "AnotherOperationInProgress" },
    );
  });

  test("an AKS cluster answers 409 OperationNotAllowed to writes right after create", async () => {
    emulator.admin.addFaults([{ effect: { kind: "aks-busy-after-create", durationSec: 2000 } }]);
    const body = {
      location: LOCATION,
      dnsPrefix: "busy",
      agentPoolProfiles: [{ name: "system", mode: "System" as const, count: 1, vmSize: "Standard_D4s_v5" }],
    };
    await clients.aks.managedClusters.createOrUpdate(rg, "aks-busy", body, poll);
    await assert.rejects(
      clients.aks.managedClusters.createOrUpdate(rg, "aks-busy", { ...body, tags: { a: "b" } }, poll),
      { statusCode: 409, code: "OperationNotAllowed" },
    );
    // 2000 s x 0.0005 = 1 s after create, the cluster takes writes again.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const updated = await clients.aks.managedClusters.createOrUpdate(
      rg,
      "aks-busy",
      { ...body, tags: { a: "b" } },
      poll,
    );
    assert.deepEqual(updated.tags, { a: "b" });
  });

  test("a new vault's data plane answers 403 ForbiddenByFirewall for the injected lag", async () => {
    emulator.admin.addFaults([{ effect: { kind: "keyvault-firewall-lag", durationSec: 2000 } }]);
    const vault = await clients.keyVault.vaults.createOrUpdate(
      rg,
      "kv-lag",
      vaultBody({ enableRbacAuthorization: false }),
      poll,
    );
    const secrets = new SecretClient(vault.properties.vaultUri ?? "", credential, {
      tlsOptions: { ca: emulator.caCertPem },
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 0 },
    });
    // Key Vault's shape: code Forbidden, inner error ForbiddenByFirewall.
    await assert.rejects(secrets.setSecret("s", "v"), (error: { statusCode?: number; details?: unknown }) => {
      assert.equal(error.statusCode, 403);
      assert.match(JSON.stringify(error.details), /ForbiddenByFirewall/);
      return true;
    });
    // 2000 s x 0.0005 = 1 s after create the firewall lets the caller through.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await secrets.setSecret("s", "v");
  });
});

describe("provider-level conflicts", () => {
  test("parallel subnet writes in one VNet get 429 RetryableErrorDueToAnotherOperation, which the SDK retries", async () => {
    // At 0.01 a subnet write lasts 100 ms: long enough for three parallel writes to meet.
    emulator.admin.setTimeScale(0.01);
    after(() => emulator.admin.setTimeScale(TEST_TIME_SCALE));
    await clients.network.virtualNetworks.beginCreateOrUpdateAndWait(
      rg,
      "vnet",
      { location: LOCATION, addressSpace: { addressPrefixes: ["10.0.0.0/16"] } },
      poll,
    );
    const subnets = ["a", "b", "c"].map((name, i) =>
      clients.network.subnets.beginCreateOrUpdateAndWait(
        rg,
        "vnet",
        name,
        { addressPrefix: `10.0.${i}.0/24` },
        poll,
      ),
    );
    const before = emulator.admin.counters().byStatus["429"] ?? 0;
    await Promise.all(subnets);
    assert.ok((emulator.admin.counters().byStatus["429"] ?? 0) > before);
  });
});

describe("throttling", () => {
  test("fails with 429 and Retry-After once the read bucket is empty, and the SDK waits and succeeds", async () => {
    // Realistic time: 250 reads, refilled at 25 per second.
    const realtime = await startTestEmulator({ timeScale: 1 });
    try {
      const path = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups?api-version=2025-04-01`;
      let throttled;
      for (let batch = 0; batch < 10 && !throttled; batch += 1) {
        const answers = await Promise.all(
          Array.from({ length: 50 }, () => rawRequest(realtime, "GET", path)),
        );
        throttled = answers.find((a) => a.status === 429);
      }
      assert.ok(throttled, "no request was throttled");
      assert.equal(errorCode(throttled), "SubscriptionRequestsThrottled");
      assert.ok(Number(throttled.headers["retry-after"]) >= 1);
      assert.equal(throttled.headers["x-ms-ratelimit-remaining-subscription-reads"], "0");
      const sdk = armClients(realtime).resources;
      const groups = [];
      for await (const group of sdk.resourceGroups.list()) groups.push(group);
      assert.deepEqual(groups, []);
    } finally {
      await realtime.stop();
    }
  });

  test("every ARM answer reports the remaining writes", async () => {
    const answer = await rawRequest(emulator, "PUT", groupPath, {
      body: JSON.stringify({ location: LOCATION }),
    });
    assert.match(String(answer.headers["x-ms-ratelimit-remaining-subscription-writes"]), /^\d+$/);
  });
});
