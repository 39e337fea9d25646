import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { findAppRoot, startAzurite, type RunningAzurite } from "@azure-env-provisioner/functions-devhost";
import { DEFAULT_EMULATOR_PRINCIPAL_ID } from "@azure-env-provisioner/azure-emulator";
import { createEnvironmentService, type EnvironmentService } from "../../functions/environment-service";
import type { InstanceSnapshot, OrchestrationClient } from "../../functions/ports";
import { ensureNodeInstanceId } from "../../orchestrations/instance-ids";
import { planEnvironment } from "../../lib/plan";
import {
  RECORD_TABLES,
  createEnvironmentRecords,
  openTable,
  type EnvironmentRecords,
} from "../../functions/records";
import type { EnvironmentSpec, RedisModule } from "../../lib/spec/types";
import { validateSpec } from "../../lib/spec/validate";

/** Durable instances in memory: what the service sees of the engine. */
class FakeOrchestrations implements OrchestrationClient {
  readonly instances = new Map<string, InstanceSnapshot>();
  readonly started: { name: string; instanceId: string }[] = [];
  private clock = 0;

  async startNew(name: string, instanceId: string): Promise<void> {
    this.started.push({ name, instanceId });
    const time = new Date(Date.UTC(2026, 0, 1, 0, 0, ++this.clock)).toISOString();
    this.instances.set(instanceId, {
      instanceId,
      runtimeStatus: "Running",
      customStatus: null,
      output: null,
      createdTime: time,
      lastUpdatedTime: time,
    });
  }
  async getStatus(instanceId: string) {
    return this.instances.get(instanceId);
  }
  async terminate(instanceId: string): Promise<void> {
    this.finish(instanceId, "Terminated", "terminated");
  }
  finish(instanceId: string, runtimeStatus: string, output: unknown): void {
    const instance = this.instances.get(instanceId)!;
    this.instances.set(instanceId, { ...instance, runtimeStatus, output });
  }
}

const root = findAppRoot(__filename);
const spec = (name: string): EnvironmentSpec => {
  const text = readFileSync(join(root, "examples", "minimal.yaml"), "utf8").replace(
    /^name: dev$/m,
    `name: ${name}`,
  );
  const validation = validateSpec(text);
  assert.ok(validation.ok);
  return validation.spec;
};
const plan = (value: EnvironmentSpec) =>
  planEnvironment(value, {
    provisionerPrincipalId: DEFAULT_EMULATOR_PRINCIPAL_ID,
    provisionerIpRanges: ["127.0.0.1/32"],
  });

let azurite: RunningAzurite;
let records: EnvironmentRecords;
before(async () => {
  azurite = await startAzurite();
  records = createEnvironmentRecords(await openTable(azurite.connectionString, RECORD_TABLES.environments));
});
after(() => azurite.stop());

function serviceWith(orchestrations: FakeOrchestrations): EnvironmentService {
  return createEnvironmentService({ records, orchestrations, plan });
}

describe("environment service", () => {
  test("of two applies racing for one environment, exactly one starts a build", async () => {
    const orchestrations = new FakeOrchestrations();
    const service = serviceWith(orchestrations);
    const outcomes = await Promise.all([
      service.apply(spec("race"), "http"),
      service.apply(spec("race"), "http"),
    ]);
    assert.deepEqual(outcomes.map((outcome) => outcome.kind).sort(), ["busy", "claimed"]);
    assert.deepEqual(orchestrations.started, [{ name: "buildEnvironment", instanceId: "acme-race" }]);
  });

  test("a finished build is written into the record once it is read", async () => {
    const orchestrations = new FakeOrchestrations();
    const service = serviceWith(orchestrations);
    await service.apply(spec("done"), "http");
    orchestrations.finish("acme-done", "Completed", {
      environmentId: "acme-done",
      planHash: "h",
      result: "succeeded",
      nodes: { "base/rg": "succeeded" },
      failures: [],
      outputs: { resourceGroupId: "/subscriptions/s/resourceGroups/rg-acme-done", dataModules: {} },
    });
    const view = await service.get("acme-done");
    assert.equal(view?.record.lastOperation?.status, "succeeded");
    assert.equal(
      (await records.get("acme-done"))?.record.outputs?.resourceGroupId,
      "/subscriptions/s/resourceGroups/rg-acme-done",
    );
  });

  test("re-applying after a finished build is not mistaken for the previous run's outcome", async () => {
    const orchestrations = new FakeOrchestrations();
    const service = serviceWith(orchestrations);
    await service.apply(spec("again"), "http");
    orchestrations.finish("acme-again", "Failed", "Orchestrator function 'buildEnvironment' failed: boom");
    assert.equal((await service.get("acme-again"))?.record.lastOperation?.status, "failed");
    // The claim is written before the new instance exists; until then only the old one is visible.
    const claimed = await service.claim(spec("again"), { action: "apply", requestedBy: "http" });
    assert.equal(claimed.kind, "claimed");
    const view = await service.get("acme-again");
    assert.equal(view?.record.lastOperation?.status, "running");
    assert.equal(view?.runtimeStatus, undefined, "the old instance is not shown as this operation's");
  });

  test("an environment recorded before engines existed keeps Azure Cache for Redis; a spec that does not fit it is refused, starting nothing", async () => {
    const orchestrations = new FakeOrchestrations();
    const service = serviceWith(orchestrations);
    const withCache = (name: string, redis: Record<string, unknown>) => {
      const base = spec(name);
      const validation = validateSpec({
        name: base.name,
        org_name: base.org_name,
        providers: base.providers,
        modules: [{ type: "base" }, { type: "redis", name: "cache", ...redis }],
      });
      assert.ok(validation.ok);
      return validation.spec;
    };
    const built = withCache("legacy", { engine: "azure-cache-for-redis" });
    await service.apply(built, "http");
    orchestrations.finish("acme-legacy", "Completed", null);
    // As a release before engines recorded it: no engine, no auth.
    const stored = (await records.get("acme-legacy"))!;
    const { engine: _engine, auth: _auth, ...legacyCache } = built.modules[1] as RedisModule;
    await records.save(
      {
        ...stored.record,
        spec: { ...stored.record.spec, modules: [built.modules[0]!, legacyCache as RedisModule] },
      },
      stored.etag,
    );

    const kept = await service.claim(withCache("legacy", {}), { action: "apply", requestedBy: "http" });
    assert.equal(kept.kind, "claimed");
    const kinds = kept.kind === "claimed" ? kept.plan.nodes.map((node) => node.kind) : [];
    assert.ok(kinds.includes("redisCache"));
    assert.equal(kinds.includes("managedRedisCluster"), false);
    orchestrations.finish("acme-legacy", "Completed", null);
    await service.get("acme-legacy");

    const started = orchestrations.started.length;
    const refused = await service.apply(withCache("legacy", { sku_name: "Balanced_B5" }), "http");
    assert.equal(refused.kind, "refused");
    assert.match(
      refused.kind === "refused" ? refused.problems[0]!.message : "",
      /write engine: azure-managed-redis to replace it/,
    );
    assert.equal(orchestrations.started.length, started, "nothing started");
  });

  test("a destroy of an unknown environment starts nothing", async () => {
    const orchestrations = new FakeOrchestrations();
    assert.equal(await serviceWith(orchestrations).destroy("acme-never", "keep", "http"), undefined);
    assert.deepEqual(orchestrations.started, []);
  });

  test("cancel terminates the running build and records it canceled; with nothing running it is idle", async () => {
    const orchestrations = new FakeOrchestrations();
    const service = serviceWith(orchestrations);
    await service.apply(spec("stop"), "http");
    assert.equal((await service.cancel("acme-stop", "user"))?.kind, "canceled");
    assert.equal(orchestrations.instances.get("acme-stop")?.runtimeStatus, "Terminated");
    assert.equal((await records.get("acme-stop"))?.record.lastOperation?.status, "canceled");
    assert.equal((await service.cancel("acme-stop", "user"))?.kind, "idle");
  });

  test("cancel stops the build's per-node sub-orchestrations too, and names the nodes left mid-operation in Azure", async () => {
    const orchestrations = new FakeOrchestrations();
    const service = serviceWith(orchestrations);
    const outcome = await service.apply(spec("tree"), "http");
    assert.equal(outcome.kind, "claimed");
    const nodes = outcome.kind === "claimed" ? outcome.plan.nodes : [];
    const [done, running, waiting] = [nodes[0], nodes[1], nodes[2]];
    assert.ok(done && running && waiting);
    const parent = orchestrations.instances.get("acme-tree")!;
    orchestrations.instances.set("acme-tree", {
      ...parent,
      customStatus: {
        nodes: { [done.key]: "succeeded", [running.key]: "creating", [waiting.key]: "pending" },
      },
    });
    for (const node of [done, running]) {
      await orchestrations.startNew("ensureNodeOrchestration", ensureNodeInstanceId("acme-tree", node.key));
    }
    orchestrations.finish(ensureNodeInstanceId("acme-tree", done.key), "Completed", { state: "succeeded" });

    const canceled = await service.cancel("acme-tree", "user");
    assert.deepEqual(canceled, { kind: "canceled", leftInAzure: [running.key], stillStopping: [] });
    assert.equal(
      orchestrations.instances.get(ensureNodeInstanceId("acme-tree", running.key))?.runtimeStatus,
      "Terminated",
    );
    assert.equal(
      orchestrations.instances.get(ensureNodeInstanceId("acme-tree", done.key))?.runtimeStatus,
      "Completed",
      "an ended child is left as it is",
    );
    const summary = (await records.get("acme-tree"))?.record.resultSummary;
    assert.deepEqual(summary?.leftInAzure, [running.key]);
  });

  test("two cancels at once both answer, and the record is written once", async () => {
    const orchestrations = new FakeOrchestrations();
    const service = serviceWith(orchestrations);
    await service.apply(spec("twice"), "http");
    const outcomes = await Promise.all([
      service.cancel("acme-twice", "a"),
      service.cancel("acme-twice", "b"),
    ]);
    for (const outcome of outcomes) assert.ok(outcome && ["canceled", "idle"].includes(outcome.kind));
    assert.ok(outcomes.some((outcome) => outcome?.kind === "canceled"));
    assert.equal((await records.get("acme-twice"))?.record.lastOperation?.status, "canceled");
  });

  test("a destroy of an environment never applied is unknown, whoever asks (API or queue claim)", async () => {
    const orchestrations = new FakeOrchestrations();
    const claimed = await serviceWith(orchestrations).claim(spec("ghost"), {
      action: "destroy",
      requestedBy: "queue:1",
    });
    assert.equal(claimed.kind, "unknown");
    assert.deepEqual(orchestrations.started, []);
    assert.equal(await records.get("acme-ghost"), undefined, "no record is written for it");
  });

  test("fails a start that Durable refuses, and records the operation as failed", async () => {
    const orchestrations = new FakeOrchestrations();
    orchestrations.startNew = async () => {
      throw new Error("durable unavailable");
    };
    const service = serviceWith(orchestrations);
    await assert.rejects(service.apply(spec("nostart"), "http"), /durable unavailable/);
    const operation = (await records.get("acme-nostart"))?.record.lastOperation;
    assert.equal(operation?.status, "failed");
  });
});
