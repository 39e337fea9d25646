/**
 * Client-side pacing of ARM writes (`lib/azure/bucket-pacing.ts`): the product's own clients, over real
 * HTTPS to the emulator with ARM throttling on, write more than the subscription's bucket holds and are
 * never answered 429, because every client of a subscription waits on the bucket's last reported level.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ARM_LIMITS, startEmulator, type RunningEmulator } from "@azure-env-provisioner/azure-emulator";
import {
  createHttpHeaders,
  createPipelineRequest,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import {
  ArmBucketPacer,
  armBucketPacingPolicy,
  bucketOfMethod,
  subscriptionPacers,
} from "../../lib/azure/bucket-pacing";
import { withWritePriority } from "../../lib/azure/write-priority";
import { createAzureClients } from "../../lib/azure/clients";
import { loadConfig } from "../../lib/config";

const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000d1";
const PRINCIPAL = "5f2d3c8b-a4e6-4a1f-9b72-1d6e3a8c0f22";
/** Real time: the bucket refills 10 writes a second, as on Azure. */
const TIME_SCALE = 1;

describe("pacing ARM writes by the subscription's bucket", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "provisioner-pacing-"));
  let emulator: RunningEmulator;

  before(async () => {
    emulator = await startEmulator({
      dataDir,
      timeScale: TIME_SCALE,
      throttling: true,
      managedIdentity: { principalId: PRINCIPAL, tenantId: "00000000-0000-0000-0000-0000000000d2" },
    });
    process.env.IDENTITY_ENDPOINT = emulator.identityEndpoint;
    process.env.IDENTITY_HEADER = emulator.identityHeader;
  });
  after(async () => {
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The product's clients on the emulator, without SDK retries: a 429 would surface as a failure. */
  const pacedClients = () =>
    createAzureClients(
      loadConfig({
        PROVISIONER_ARM_ENDPOINT: emulator.armEndpoint,
        PROVISIONER_CA_CERT_PATH: emulator.caCertPath,
        PROVISIONER_SUBSCRIPTION_ID: SUBSCRIPTION,
        PROVISIONER_PRINCIPAL_ID: PRINCIPAL,
      }),
      { retry: { maxRetries: 0 } },
    );

  test("draws PUT, PATCH and POST on the write bucket, DELETE on the delete bucket, GET and HEAD on the read bucket", () => {
    assert.equal(bucketOfMethod("put"), "writes");
    assert.equal(bucketOfMethod("PATCH"), "writes");
    assert.equal(bucketOfMethod("POST"), "writes");
    assert.equal(bucketOfMethod("DELETE"), "deletes");
    assert.equal(bucketOfMethod("GET"), "reads");
    assert.equal(bucketOfMethod("head"), "reads");
    assert.equal(bucketOfMethod("OPTIONS"), undefined);
  });

  test("writes more than the bucket holds, 40 at a time, without one 429", async () => {
    const clients = pacedClients();
    const writes = ARM_LIMITS.writes.capacity + 40;
    const before = emulator.admin.counters();
    const names = Array.from({ length: writes }, (_, i) => `rg-paced-${i}`);
    const failures: string[] = [];
    for (let i = 0; i < names.length; i += 40) {
      await Promise.all(
        names
          .slice(i, i + 40)
          .map((name) =>
            clients.resources.resourceGroups
              .createOrUpdate(name, { location: "westeurope" })
              .catch((error: unknown) => failures.push(`${name}: ${(error as Error).message}`)),
          ),
      );
    }
    const after = emulator.admin.counters();
    assert.deepEqual(failures, []);
    assert.equal(after.throttled - before.throttled, 0, "no write was answered 429");
    assert.equal((after.byMethod.PUT ?? 0) - (before.byMethod.PUT ?? 0), writes, "each write sent once");
    assert.ok(clients.pacers.writes.stats.waited > 0, "writes waited for the bucket to refill");
  });

  test("reads more than the read bucket holds, 50 at a time, without one 429", async () => {
    const clients = pacedClients();
    await clients.resources.resourceGroups.createOrUpdate("rg-read-often", { location: "westeurope" });
    const reads = ARM_LIMITS.reads.capacity + 50;
    const before = emulator.admin.counters();
    const failures: string[] = [];
    for (let i = 0; i < reads; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, reads - i) }, () =>
          clients.resources.resourceGroups
            .get("rg-read-often")
            .catch((error: unknown) => failures.push((error as Error).message)),
        ),
      );
    }
    const after = emulator.admin.counters();
    assert.deepEqual(failures, []);
    assert.equal(after.throttled - before.throttled, 0, "no read was answered 429");
    assert.equal((after.byMethod.GET ?? 0) - (before.byMethod.GET ?? 0), reads, "each read sent once");
    assert.ok(clients.pacers.reads.stats.waited > 0, "reads waited for the bucket to refill");
  });

  test("lets requests go while the reported level less those in flight stays above the reserve", async () => {
    const pacer = new ArmBucketPacer({ reserve: 5, probeIntervalMs: 50 });
    await pacer.acquire();
    pacer.release(6);
    // 6 left, reserve 5: one may go at once; the next waits while it is in flight.
    await pacer.acquire();
    let second = false;
    const pending = pacer.acquire().then(() => (second = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(second, false, "held while the first is in flight at the reserve");
    // Its answer: 5 left, at the reserve; with nothing in flight the held one goes as a probe.
    pacer.release(5);
    await pending;
    assert.equal(second, true);
    pacer.release(30);
    assert.equal(pacer.stats.probes, 1, "the held one went as a probe");
  });

  test("lets waiting requests go highest priority first, equal ones in arrival order", async () => {
    const pacer = new ArmBucketPacer({ reserve: 5, probeIntervalMs: 10_000 });
    await pacer.acquire();
    pacer.release(6);
    await pacer.acquire(); // 6 left, one in flight: at the reserve
    const went: string[] = [];
    const waiting = [
      pacer.acquire(1).then(() => went.push("low")),
      pacer.acquire(10).then(() => went.push("high, first")),
      pacer.acquire(5).then(() => went.push("middle")),
      pacer.acquire(10).then(() => went.push("high, second")),
    ];
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(went, [], "all held while the bucket is at the reserve");
    // 8 left and nothing in flight: three may go, the highest first.
    pacer.release(8);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(went, ["high, first", "high, second", "middle"]);
    pacer.release(20);
    pacer.release(20);
    pacer.release(20);
    await Promise.all(waiting);
    assert.deepEqual(went, ["high, first", "high, second", "middle", "low"]);
  });

  test("takes a request's priority from the call that made it (withWritePriority)", async () => {
    const policy = armBucketPacingPolicy(subscriptionPacers({ reserve: 5, probeIntervalMs: 10_000 }));
    const sent: string[] = [];
    let answerHeld: (left: number) => void = () => undefined;
    const next = async (request: PipelineRequest): Promise<PipelineResponse> => {
      sent.push(request.url);
      const left = request.url.endsWith("/held")
        ? await new Promise<number>((resolve) => (answerHeld = resolve))
        : 6;
      const headers = createHttpHeaders({ "x-ms-ratelimit-remaining-subscription-writes": String(left) });
      return { request, status: 200, headers };
    };
    const put = (url: string) => policy.sendRequest(createPipelineRequest({ url, method: "PUT" }), next);
    await put("https://arm/first"); // 6 left
    const held = put("https://arm/held"); // in flight: the bucket is at the reserve until it answers
    const later = [
      withWritePriority(1, () => put("https://arm/slack")),
      withWritePriority(600, () => put("https://arm/critical")),
    ];
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(sent, ["https://arm/first", "https://arm/held"]);
    answerHeld(20);
    await Promise.all([held, ...later]);
    assert.deepEqual(sent, [
      "https://arm/first",
      "https://arm/held",
      "https://arm/critical",
      "https://arm/slack",
    ]);
  });
});
