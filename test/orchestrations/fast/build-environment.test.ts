/**
 * The build scheduler (`orchestrations/build-environment.ts`, `task-pool.ts`, `scheduling.ts`) through the
 * real replay, on a small DAG. Operations take their latency model's medians on virtual time, capped at
 * two minutes so the long ones (the cache, the cluster) still outlast many checks without costing
 * hundreds of episodes; `build-example.test.ts` runs the real example with full medians. Each scenario
 * runs once and its specs read the same run: the driver is deterministic.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { ACTIVITY, type CheckOperationInput, type EnsureNodeInput } from "../../../activities/contract";
import { latencyOf } from "../../../lib/latency-model";
import { chainToEndSec, criticalPath } from "../../../lib/plan/graph";
import { ARM_TYPE_BY_KIND } from "../../../lib/plan/kinds";
import type { Stage } from "../../../lib/plan/types";
import type { BuildOutput } from "../../../orchestrations/contracts";
import { ensureNodeInstanceId } from "../../../orchestrations/instance-ids";
import { firstLineOf, UNCLASSIFIED_CODE } from "../../../orchestrations/errors";
import { azureError, failedFor, factsOf, simulatedAzure } from "./azure";
import { dependentsOf, runBuild, type BuildRun } from "./builds";
import { node, planOf } from "./plans";

// rg ─┬─ vnet ─┬─ subnet ─ aks ─ role
//     ├─ nat ──┘     └──────┐
//     └─ redis ─────────── pe
const rg = node("base/rg", "resourceGroup");
const vnet = node("base/vnet", "virtualNetwork", [rg.key]);
const nat = node("base/nat", "natGateway", [rg.key]);
const redis = node("cache/redis", "redisCache", [rg.key]);
const subnet = node("base/subnet", "subnet", [vnet.key, nat.key]);
const aks = node("k8s/aks", "managedCluster", [subnet.key]);
const role = node("k8s/role", "roleAssignment", [aks.key]);
const pe = node("cache/pe", "privateEndpoint", [redis.key, subnet.key]);
const plan = planOf([rg, vnet, nat, redis, subnet, aks, role, pe]);

const MAX_DURATION_SEC = 120;
const durationSec = (n: { kind: Parameters<typeof node>[1] }) =>
  Math.min(MAX_DURATION_SEC, latencyOf(ARM_TYPE_BY_KIND[n.kind]).createP50Sec);

/** A simulated Azure in which Azure refuses to create the virtual network (a quota). */
const vnetRefused = simulatedAzure({
  durationSec,
  override: (call) =>
    call.name === ACTIVITY.ensureNode && (call.input as { node: { key: string } }).node.key === vnet.key
      ? failedFor(azureError("quota", "QuotaExceeded", { message: "no more virtual networks" }))
      : undefined,
});

describe("the build scheduler, building a small DAG", () => {
  let run: BuildRun;
  before(async () => {
    run = await runBuild(plan, { activities: simulatedAzure({ durationSec }) });
  });

  test("starts a node the moment its last dependency ends, whichever round started that dependency", () => {
    const { build, spans } = run;
    assert.equal(build.status, "Completed", build.error);
    assert.deepEqual(spans.get(rg.key)?.startMs, 0);
    for (const planNode of plan.nodes.filter((n) => n.dependsOn.length > 0)) {
      const span = spans.get(planNode.key);
      assert.ok(span, `${planNode.key} started`);
      const depsDoneMs = Math.max(...planNode.dependsOn.map((dep) => spans.get(dep)?.endMs ?? Infinity));
      assert.equal(
        span.startMs,
        depsDoneMs,
        `${planNode.key} started at ${span.startMs} ms, its dependencies were done at ${depsDoneMs} ms`,
      );
    }
    // The private endpoint waited on the cache, started in the first round after the resource group,
    // and on the subnet, started two rounds later: the round that heard the later end started it.
    assert.ok((spans.get(subnet.key)?.startMs as number) > (spans.get(redis.key)?.startMs as number));
    // Stages are views, not barriers: the cache (data) starts long before the network stage ends.
    assert.ok((spans.get(redis.key)?.startMs as number) < (spans.get(subnet.key)?.endMs as number));
  });

  test("starts each node's sub-orchestration exactly once, under the node's own instance id (#574)", () => {
    const { driver } = run;
    const started = driver.subOrchestrationStarts.map((start) => start.instanceId);
    assert.deepEqual(
      [...started].sort(),
      plan.nodes.map((n) => ensureNodeInstanceId(plan.environmentId, n.key)).sort(),
    );
  });

  test("starts the nodes ready together longest chain first, and gives each its chain as its writes' priority", () => {
    const { driver } = run;
    const chains = chainToEndSec(plan.nodes);
    const keyOf = (instanceId: string) =>
      plan.nodes.find((n) => ensureNodeInstanceId(plan.environmentId, n.key) === instanceId)!.key;
    const starts = driver.subOrchestrationStarts.map((start) => ({ ...start, key: keyOf(start.instanceId) }));
    for (let index = 1; index < starts.length; index++) {
      const [before, after] = [starts[index - 1]!, starts[index]!];
      if (before.atMs === after.atMs)
        assert.ok(chains.get(before.key)! >= chains.get(after.key)!, `${before.key} before ${after.key}`);
    }
    // The resource group's three dependents start together: the cache, whose chain is longest, first.
    assert.equal(starts[1]?.key, redis.key);
    for (const start of starts) {
      const input = driver.instance(start.instanceId).input as EnsureNodeInput;
      assert.equal(input.chainToEndSec, chains.get(start.key), start.key);
    }
  });

  test("sets no timer of its own and runs one episode per node end: each end wakes it", () => {
    const { driver } = run;
    const buildTimers = driver.timers.filter((timer) => timer.instanceId === plan.environmentId);
    assert.deepEqual(buildTimers, []);
    // The first episode starts the resource group; every later one hears at least one node end.
    const { episodes } = driver.instance(plan.environmentId);
    assert.ok(episodes <= plan.nodes.length + 1, `${episodes} episodes for ${plan.nodes.length} nodes`);
    assert.deepEqual(
      driver.timers.filter((timer) => timer.state !== "fired" && timer.state !== "cancelled"),
      [],
      "no timer left behind",
    );
  });

  test("reports progress: stages in order, an ETA from the critical path down to 0, elapsed time", () => {
    const { progress, lastProgress, build } = run;
    const first = progress[0]?.value;
    assert.equal(first?.stage, "network");
    assert.equal(first?.etaSec, criticalPath(plan.nodes).lengthSec);
    assert.equal(first?.nodes[rg.key], "creating");
    const stageOrder: Stage[] = ["network", "cluster", "data", "secrets"];
    for (let index = 1; index < progress.length; index++) {
      const [before, after] = [progress[index - 1], progress[index]];
      assert.ok(before && after);
      assert.ok(after.value.etaSec <= before.value.etaSec, `ETA rose at ${after.atMs} ms`);
      assert.ok(
        stageOrder.indexOf(after.value.stage as Stage) >= stageOrder.indexOf(before.value.stage as Stage),
        "the stage went back",
      );
      assert.equal(after.value.elapsedSec, Math.round(after.atMs / 1000));
    }
    assert.equal(lastProgress.etaSec, 0);
    assert.deepEqual(lastProgress.nodes, (build.output as BuildOutput).nodes);
    assert.deepEqual(lastProgress.failures, []);
  });

  test("reports a timeline: each node's start as it started and its end as the build saw it, in whole seconds", () => {
    const { progress, lastProgress, spans } = run;
    const timeline = lastProgress.timeline ?? {};
    assert.deepEqual(Object.keys(timeline).sort(), plan.nodes.map((n) => n.key).sort());
    for (const planNode of plan.nodes) {
      const span = spans.get(planNode.key)!;
      const reported = timeline[planNode.key]!;
      assert.equal(reported.startSec, Math.round(span.startMs / 1000), planNode.key);
      // Seen at once: the round its end woke.
      assert.equal(reported.endSec, Math.round(span.endMs! / 1000), planNode.key);
    }
    // While it ran, a running node had a start and no end, and a node not started yet was absent.
    const middle = progress.find((report) => report.value.nodes[aks.key] === "creating")!.value;
    assert.equal(middle.timeline?.[aks.key]?.endSec, undefined);
    assert.equal(typeof middle.timeline?.[aks.key]?.startSec, "number");
    assert.equal(middle.timeline?.[role.key], undefined);
  });

  test("returns every node succeeded, with the outputs the nodes' facts give", () => {
    const { build } = run;
    const output = build.output as BuildOutput;
    assert.equal(output.result, "succeeded");
    assert.equal(output.planHash, plan.hash);
    for (const planNode of plan.nodes) assert.equal(output.nodes[planNode.key], "succeeded", planNode.key);
    assert.equal(output.outputs.resourceGroupId, rg.id);
    assert.equal(output.outputs.clusterFqdn, factsOf(aks)?.fqdn);
  });
});

describe("the build scheduler, when a node fails", () => {
  test("fails a top-level build whose node failed with EnvironmentFailedError: dependents skipped, independent branches done, failures as data in its last custom status", async () => {
    const { build, spans, lastProgress } = await runBuild(plan, { activities: vnetRefused });
    assert.equal(build.status, "Failed");
    assert.equal(
      build.error,
      `apply of ${plan.environmentId} failed: ${vnet.key} (QuotaExceeded): no more virtual networks`,
    );
    const failure = { nodeKey: vnet.key, code: "QuotaExceeded", message: "no more virtual networks" };
    assert.deepEqual(lastProgress.failures, [failure]);
    assert.deepEqual(lastProgress.lastError, failure);
    const skipped = dependentsOf(plan, vnet.key);
    assert.deepEqual([...skipped].sort(), [aks.key, pe.key, role.key, subnet.key].sort());
    for (const planNode of plan.nodes) {
      const expected =
        planNode.key === vnet.key ? "failed" : skipped.has(planNode.key) ? "skipped" : "succeeded";
      assert.equal(lastProgress.nodes[planNode.key], expected, planNode.key);
      assert.equal(spans.has(planNode.key), !skipped.has(planNode.key), `${planNode.key} started?`);
    }
    assert.ok(
      (build.endedAtMs as number) - build.createdAtMs >= (spans.get(redis.key)?.endMs as number),
      "it waited for the cache",
    );
    // The timeline holds what ran, the failed node with its end, and nothing of the skipped ones.
    assert.deepEqual(
      Object.keys(lastProgress.timeline ?? {}).sort(),
      plan.nodes
        .filter((n) => !skipped.has(n.key))
        .map((n) => n.key)
        .sort(),
    );
    assert.equal(typeof lastProgress.timeline?.[vnet.key]?.endSec, "number");
  });

  test("a build run for a batch (parentInstanceId) returns { result: failed, failures } and completes", async () => {
    const { build } = await runBuild(plan, { activities: vnetRefused, parentInstanceId: "batch-1" });
    assert.equal(build.status, "Completed");
    const output = build.output as BuildOutput;
    assert.equal(output.result, "failed");
    assert.deepEqual(output.failures, [
      { nodeKey: vnet.key, code: "QuotaExceeded", message: "no more virtual networks" },
    ]);
    assert.equal(output.nodes[subnet.key], "skipped");
    assert.equal(output.nodes[redis.key], "succeeded");
  });

  test("fails a node whose sub-orchestration crashed, as UnclassifiedError with one line, and skips its dependents", async () => {
    // The status check of the subnet answers garbage: the node's orchestrator throws, its instance fails.
    const activities = simulatedAzure({
      durationSec,
      override: (call) =>
        call.name === ACTIVITY.checkOperation &&
        (call.input as CheckOperationInput).operation.nodeKey === subnet.key
          ? null
          : undefined,
    });
    const { driver, build, lastProgress, spans } = await runBuild(plan, { activities });
    assert.equal(driver.instance(ensureNodeInstanceId(plan.environmentId, subnet.key)).status, "Failed");
    assert.equal(build.status, "Failed");
    const [failure] = lastProgress.failures;
    assert.equal(failure?.nodeKey, subnet.key);
    assert.equal(failure?.code, UNCLASSIFIED_CODE);
    // The child's own error, after the host's "Orchestrator function '…' failed:".
    const childError = driver.instance(ensureNodeInstanceId(plan.environmentId, subnet.key)).error ?? "?";
    assert.ok(failure?.message.endsWith(firstLineOf(childError)), failure?.message);
    assert.match(failure?.message ?? "", /Cannot read properties of null/);
    assert.doesNotMatch(failure?.message ?? "", /\n/);
    for (const key of [aks.key, role.key, pe.key]) {
      assert.equal(lastProgress.nodes[key], "skipped", key);
      assert.equal(spans.has(key), false, `${key} never started`);
    }
    assert.equal(lastProgress.nodes[redis.key], "succeeded");
  });
});

/**
 * What "cancel" means at this layer. The cancel API terminates the environment's instance
 * (`functions/environment-service.ts`): none of the build's code runs again, so nothing new starts, and
 * Azure does not propagate termination to the node sub-orchestrations already running, which carry on
 * to their end.
 *
 * Covered end to end only (test/functions/http-api.test.ts, environment-service.test.ts): the HTTP
 * cancel route, terminate through the durable client, the record saying `canceled`, a new apply being
 * accepted after it. How a parent hears of a terminated sub-orchestration is not modelled here.
 */
describe("canceling a build (terminating its instance)", () => {
  // After the virtual network (10 s) and before the NAT gateway (15 s): the subnet waits on both.
  const cancelAtMs = 12_000;
  let run: BuildRun;
  before(async () => {
    run = await runBuild(plan, { activities: simulatedAzure({ durationSec }), terminateAfterMs: cancelAtMs });
  });

  test("ends the build Terminated at the moment it was canceled", () => {
    assert.equal(run.build.status, "Terminated");
    assert.equal((run.build.endedAtMs as number) - run.build.createdAtMs, cancelAtMs);
  });

  test("starts no node after the cancel, though their dependencies finish", () => {
    assert.deepEqual([...run.spans.keys()].sort(), [nat.key, redis.key, rg.key, vnet.key].sort());
    for (const start of run.driver.subOrchestrationStarts) {
      assert.ok(
        start.atMs - run.build.createdAtMs < cancelAtMs,
        `${start.instanceId} started after the cancel`,
      );
    }
  });

  test("leaves the node operations already running to finish on their own", () => {
    for (const key of [nat.key, redis.key]) {
      const span = run.spans.get(key);
      assert.ok(span?.endMs !== undefined && span.endMs > cancelAtMs, `${key} ran to its end`);
    }
    const children = run.driver
      .instances()
      .filter((instance) => instance.parentInstanceId === plan.environmentId);
    assert.deepEqual(
      children.map((child) => child.status),
      children.map(() => "Completed"),
    );
  });

  test("its last progress still shows what was running when it was canceled", () => {
    assert.equal(run.lastProgress.nodes[vnet.key], "succeeded");
    assert.equal(run.lastProgress.nodes[nat.key], "creating");
    assert.equal(run.lastProgress.nodes[redis.key], "creating");
    assert.equal(run.lastProgress.nodes[subnet.key], "pending");
  });
});
