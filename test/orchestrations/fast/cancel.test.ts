/**
 * What "cancel" means at the orchestration layer. The cancel API terminates the environment's instance
 * (`functions/environment-service.ts`); at this layer that is the host's termination of the build:
 * none of its code runs again, so nothing new starts, and Azure does not propagate termination to the
 * node sub-orchestrations already running, which carry on to their end. What the build does itself is
 * stop waiting cleanly: a tick that lost to a node's end is cancelled, never left to fire.
 *
 * Still covered end to end only (test/functions/http-api.test.ts, environment-service.test.ts): the
 * HTTP cancel route, terminate through the durable client, the record saying `canceled`, and a new
 * apply being accepted after it; how the host hears of a terminated sub-orchestration is not modelled
 * by the fast driver.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { latencyOf } from "../../../lib/latency-model";
import { ARM_TYPE_BY_KIND } from "../../../lib/plan/kinds";
import { simulatedAzure } from "./azure";
import { runBuild, type BuildRun } from "./builds";
import { node, planOf } from "./plans";

// rg ─┬─ nat ─ subnet ─ aks
//     └─ redis
const rg = node("base/rg", "resourceGroup");
const nat = node("base/nat", "natGateway", [rg.key]);
const redis = node("cache/redis", "redisCache", [rg.key]);
const subnet = node("base/subnet", "subnet", [nat.key]);
const aks = node("k8s/aks", "managedCluster", [subnet.key]);
const plan = planOf([rg, nat, redis, subnet, aks]);

const natDoneMs = latencyOf(ARM_TYPE_BY_KIND.natGateway).createP50Sec * 1000;
/** While the NAT gateway and the cache run, before anything depends on the gateway's end. */
const CANCEL_AT_MS = natDoneMs - 5_000;

describe("canceling a build (terminating its instance)", () => {
  let run: BuildRun;
  before(async () => {
    run = await runBuild(plan, { activities: simulatedAzure(), terminateAfterMs: CANCEL_AT_MS });
  });

  test("ends the build Terminated at the moment it was canceled", () => {
    assert.equal(run.build.status, "Terminated");
    assert.equal((run.build.endedAtMs as number) - run.build.createdAtMs, CANCEL_AT_MS);
  });

  test("starts no node after the cancel, though their dependencies finish", () => {
    assert.deepEqual([...run.spans.keys()].sort(), [nat.key, redis.key, rg.key].sort());
    for (const start of run.driver.subOrchestrationStarts)
      assert.ok(
        start.atMs - run.build.createdAtMs < CANCEL_AT_MS,
        `${start.instanceId} started after the cancel`,
      );
    assert.ok(
      (run.spans.get(nat.key)?.endMs as number) > CANCEL_AT_MS,
      "the gateway finished after the cancel",
    );
  });

  test("leaves the node operations already running to finish on their own", () => {
    for (const key of [nat.key, redis.key]) {
      const span = run.spans.get(key);
      assert.ok(span?.endMs !== undefined && span.endMs > CANCEL_AT_MS, `${key} ran to its end`);
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
    assert.equal(run.lastProgress.nodes[nat.key], "creating");
    assert.equal(run.lastProgress.nodes[redis.key], "creating");
    assert.equal(run.lastProgress.nodes[subnet.key], "pending");
  });
});
