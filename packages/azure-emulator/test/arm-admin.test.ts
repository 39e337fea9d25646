import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { connect } from "node:tls";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { SecretClient } from "@azure/keyvault-secrets";
import type { RunningEmulator } from "../src/index.js";
import { armClients, LOCATION, poll, redisBody, vaultBody } from "./fixtures.js";
import { credential, rawRequest, startTestEmulator, SUBSCRIPTION_ID } from "./harness.js";

const admin = (emulator: RunningEmulator, method: string, path: string, body?: unknown) =>
  rawRequest(emulator, method, `/__emulator/${path}`, {
    token: null,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const secretClient = (emulator: RunningEmulator, vaultUri: string) =>
  new SecretClient(vaultUri, credential, {
    tlsOptions: { ca: emulator.caCertPem },
    disableChallengeResourceVerification: true,
  });

describe("TLS", () => {
  test("serves a certificate for IP 127.0.0.1 and localhost, signed by a CA kept in the data directory", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "emulator-tls-"));
    const first = await startTestEmulator({ dataDir });
    const peer = await new Promise<X509Certificate>((resolve, reject) => {
      const socket = connect(
        { host: "127.0.0.1", port: Number(new URL(first.armEndpoint).port), ca: first.caCertPem },
        () => {
          const raw = socket.getPeerX509Certificate();
          socket.end();
          if (raw) resolve(raw);
          else reject(new Error("no peer certificate"));
        },
      );
      socket.on("error", reject);
    });
    assert.match(peer.subjectAltName ?? "", /IP Address:127\.0\.0\.1/);
    assert.match(peer.subjectAltName ?? "", /DNS:localhost/);
    assert.equal(readFileSync(first.caCertPath, "utf8"), first.caCertPem);
    await first.stop();
    const second = await startTestEmulator({ dataDir });
    assert.equal(second.caCertPem, first.caCertPem);
    await second.stop();
  });
});

describe("admin API", () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startTestEmulator();
  });
  after(() => emulator.stop());

  test("counts requests by method, resource type, status and category", async () => {
    const clients = armClients(emulator);
    await clients.resources.resourceGroups.createOrUpdate("rg-admin", { location: LOCATION });
    await clients.network.networkSecurityGroups.beginCreateOrUpdateAndWait(
      "rg-admin",
      "nsg",
      { location: LOCATION },
      poll,
    );
    await clients.network.networkSecurityGroups.get("rg-admin", "nsg");
    const counters = (await admin(emulator, "GET", "counters")).body as {
      byMethod: Record<string, number>;
      byResourceType: Record<string, number>;
      byStatus: Record<string, number>;
      byCategory: Record<string, number>;
    };
    assert.equal(counters.byMethod.PUT, 2);
    // PUT, the poller's final GET, and the explicit GET.
    assert.equal(counters.byResourceType["Microsoft.Network/networkSecurityGroups"], 3);
    assert.equal(counters.byStatus["201"], 2);
    assert.equal(counters.byCategory.writes, 2);
    assert.ok((counters.byCategory.polls ?? 0) >= 1);
    assert.ok((counters.byCategory.reads ?? 0) >= 1);
    const log = (await admin(emulator, "GET", "requests?limit=2")).body as {
      value: { method: string; path: string }[];
    };
    assert.equal(log.value.length, 2);
  });

  test("adds, lists and clears faults; injected faults answer", async () => {
    await admin(emulator, "POST", "faults", {
      match: { method: "GET", path: "/resourcegroups/rg-admin$" },
      times: 1,
      effect: { kind: "http", status: 503 },
    });
    assert.equal(((await admin(emulator, "GET", "faults")).body as { value: unknown[] }).value.length, 1);
    const path = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-admin?api-version=2025-04-01`;
    assert.equal((await rawRequest(emulator, "GET", path)).status, 503);
    assert.equal((await rawRequest(emulator, "GET", path)).status, 200);
    await admin(emulator, "POST", "faults", [{ effect: { kind: "http", status: 500 } }]);
    await admin(emulator, "DELETE", "faults");
    assert.equal((await rawRequest(emulator, "GET", path)).status, 200);
  });

  test("fails with 400 InvalidFaultRule for a malformed rule", async () => {
    const answer = await admin(emulator, "POST", "faults", { effect: { kind: "explode" } });
    assert.equal(answer.status, 400);
  });

  test("reads and sets the time scale, refusing non-positive values", async () => {
    assert.deepEqual((await admin(emulator, "PUT", "time-scale", { timeScale: 0.002 })).body, {
      timeScale: 0.002,
    });
    assert.equal(emulator.admin.timeScale(), 0.002);
    assert.equal((await admin(emulator, "PUT", "time-scale", { timeScale: 0 })).status, 400);
    emulator.admin.setTimeScale(0.0005);
  });

  test("dumps state without secret values, and reset forgets everything", async () => {
    const clients = armClients(emulator);
    await clients.redis.redis.beginCreateAndWait("rg-admin", "cache-admin", redisBody, poll);
    const keys = await clients.redis.redis.listKeys("rg-admin", "cache-admin");
    const state = await admin(emulator, "GET", "state");
    const dump = JSON.stringify(state.body);
    assert.match(dump, /cache-admin/);
    assert.equal(dump.includes(keys.primaryKey ?? "-"), false);
    await admin(emulator, "POST", "reset");
    // Only the reset request itself is counted after the reset.
    assert.equal(emulator.admin.counters().total, 1);
    await assert.rejects(clients.resources.resourceGroups.get("rg-admin"), { statusCode: 404 });
  });
});

describe("state file", () => {
  test("a restarted emulator keeps its resources, keys and vault secrets", async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), "emulator-state-")), "state.json");
    const first = await startTestEmulator({ stateFile });
    const clients = armClients(first);
    await clients.resources.resourceGroups.createOrUpdate("rg-keep", { location: LOCATION });
    await clients.redis.redis.beginCreateAndWait("rg-keep", "cache-keep", redisBody, poll);
    const keys = await clients.redis.redis.listKeys("rg-keep", "cache-keep");
    const vault = await clients.keyVault.vaults.createOrUpdate(
      "rg-keep",
      "kv-keep",
      vaultBody({ enableRbacAuthorization: false }),
      poll,
    );
    await secretClient(first, vault.properties.vaultUri ?? "").setSecret("kept", "value-kept");
    await first.stop();
    assert.equal(readFileSync(stateFile, "utf8").length > 0, true);

    const second = await startTestEmulator({ stateFile });
    try {
      const again = armClients(second);
      assert.equal((await again.redis.redis.get("rg-keep", "cache-keep")).provisioningState, "Succeeded");
      assert.equal((await again.redis.redis.listKeys("rg-keep", "cache-keep")).primaryKey, keys.primaryKey);
      const reopened = await again.keyVault.vaults.get("rg-keep", "kv-keep");
      const secret = await secretClient(second, reopened.properties.vaultUri ?? "").getSecret("kept");
      assert.equal(secret.value, "value-kept");
    } finally {
      await second.stop();
    }
  });
});

describe("state file with a running operation", () => {
  test("a poller started before a restart finishes against the restarted emulator", async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), "emulator-state-")), "state.json");
    const first = await startTestEmulator({ stateFile });
    const clients = armClients(first);
    await clients.resources.resourceGroups.createOrUpdate("rg-resume", { location: LOCATION });
    const poller = await clients.redis.redis.beginCreate("rg-resume", "cache-resume", redisBody, poll);
    const resumeToken = poller.toString();
    const port = Number(new URL(first.armEndpoint).port);
    await first.stop();

    // Same port: the saved poller's URLs point at the ARM origin.
    const second = await startTestEmulator({ stateFile, port });
    try {
      const again = armClients(second);
      const resumed = await again.redis.redis.beginCreate("rg-resume", "cache-resume", redisBody, {
        ...poll,
        resumeFrom: resumeToken,
      });
      const cache = await resumed.pollUntilDone();
      assert.equal(cache.provisioningState, "Succeeded");
    } finally {
      await second.stop();
    }
  });
});

describe("npm run emulator", () => {
  test("prints its endpoint, CA path and admin URL, serves requests, and stops on SIGTERM", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "emulator-cmd-"));
    // The command next to this test: main.ts under tsx, main.js once compiled.
    const main = join(__dirname, "..", "src", `main${extname(__filename)}`);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", main, "--port", "0", "--time-scale", "0.001", "--data-dir", dataDir],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = "";
        const timer = setTimeout(() => reject(new Error(`no banner within 20 s: ${text}`)), 20_000);
        child.stdout.on("data", (chunk: Buffer) => {
          text += chunk.toString("utf8");
          if (text.includes("admin API")) {
            clearTimeout(timer);
            resolve(text);
          }
        });
        child.on("exit", (code) => reject(new Error(`exited ${code}: ${text}`)));
      });
      const endpoint = /ARM endpoint:\s+(\S+)/.exec(output)?.[1] ?? "";
      const caPath = /CA cert:\s+(\S+)/.exec(output)?.[1] ?? "";
      assert.match(endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = readFileSync(caPath, "utf8");
      const fake = { armEndpoint: endpoint, caCertPem: ca } as RunningEmulator;
      const answer = await rawRequest(fake, "GET", "/__emulator/time-scale", { token: null });
      assert.deepEqual(answer.body, { timeScale: 0.001 });
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });
});
