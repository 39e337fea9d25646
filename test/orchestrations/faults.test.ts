import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Plan } from "../../lib/plan/types";
import {
  BUILD_ENVIRONMENT,
  type BuildOutput,
  type EnvironmentProgress,
} from "../../orchestrations/contracts";
import { operationDeadlineSec } from "../../orchestrations/deadlines";
import { DEADLINE_EXCEEDED_CODE } from "../../orchestrations/errors";
import { examplePlan, startWorld, waitForInstance, type OrchestrationWorld } from "./harness";

/** Keys of the nodes that depend on `key`, directly or not. */
function dependentsOf(plan: Plan, key: string): Set<string> {
  const found = new Set<string>([key]);
  for (const node of plan.nodes) if (node.dependsOn.some((dep) => found.has(dep))) found.add(node.key);
  found.delete(key);
  return found;
}

describe("builds under injected Azure faults (examples/minimal.yaml)", () => {
  let world: OrchestrationWorld;

  before(async () => {
    world = await startWorld(examplePlan("minimal.yaml").subscriptionId);
  });
  after(async () => world?.close());

  test("fails the instance when one operation ends Failed: dependents skipped, independent branches done, Azure's code named", async () => {
    const plan = examplePlan("minimal.yaml", "broken");
    const failing = plan.nodes.find((node) => node.kind === "natGateway");
    assert.ok(failing, "the plan has a NAT gateway");
    world.emulator.admin.clearFaults();
    world.emulator.admin.addFaults([
      {
        match: { method: "PUT", resourceType: "Microsoft.Network/natGateways" },
        times: 1,
        effect: {
          kind: "operation-failed",
          code: "NatGatewayAllocationBroken",
          message: "injected by the test",
        },
      },
    ]);
    await world.engine.startNew(BUILD_ENVIRONMENT, {
      instanceId: plan.environmentId,
      input: { plan, requestedBy: "test" },
    });
    const status = await waitForInstance(world.engine, plan.environmentId, 120_000);

    assert.equal(status.runtimeStatus, "Failed");
    const message = JSON.stringify(status.output);
    assert.match(message, new RegExp(failing.key.replace("/", "\\/")));
    assert.match(message, /NatGatewayAllocationBroken/);

    const progress = status.customStatus as EnvironmentProgress;
    assert.equal(progress.nodes[failing.key], "failed");
    assert.equal(progress.lastError?.nodeKey, failing.key);
    assert.equal(progress.lastError?.code, "NatGatewayAllocationBroken");
    // Why it failed is data in the last custom status, for readers that must not parse messages.
    assert.deepEqual(
      progress.failures.map((failure) => [failure.nodeKey, failure.code]),
      [[failing.key, "NatGatewayAllocationBroken"]],
    );
    assert.match(progress.failures[0]?.message ?? "", /injected by the test/);
    const dependents = dependentsOf(plan, failing.key);
    assert.ok(dependents.size > 0, "something depends on the NAT gateway");
    for (const node of plan.nodes) {
      if (node.key === failing.key) continue;
      const expected: string = dependents.has(node.key) ? "skipped" : "succeeded";
      assert.equal(progress.nodes[node.key], expected, node.key);
    }
  });

  test("rides out a storm of 429s on ARM writes, waiting as Retry-After asks", async () => {
    const plan = examplePlan("minimal.yaml", "stormy");
    world.emulator.admin.clearFaults();
    const throttledBefore = world.emulator.admin.counters().throttled;
    const stormSize = 20;
    world.emulator.admin.addFaults([
      {
        match: { method: "PUT" },
        times: stormSize,
        effect: { kind: "http", status: 429, code: "SubscriptionRequestsThrottled", retryAfterSec: 10 },
      },
    ]);
    await world.engine.startNew(BUILD_ENVIRONMENT, {
      instanceId: plan.environmentId,
      input: { plan, requestedBy: "test" },
    });
    const status = await waitForInstance(world.engine, plan.environmentId, 120_000);

    assert.equal(status.runtimeStatus, "Completed", JSON.stringify(status.customStatus));
    const output = status.output as BuildOutput;
    for (const node of plan.nodes) assert.equal(output.nodes[node.key], "succeeded", node.key);
    assert.ok(world.emulator.admin.counters().throttled - throttledBefore >= stormSize);
  });

  test("fails a node whose operation never ends once its deadline passes, naming the node", async () => {
    const plan = examplePlan("minimal.yaml", "stuck");
    const stuck = plan.nodes.find((node) => node.key === "base/nsg-postgres");
    assert.ok(stuck, "the plan has the PostgreSQL subnet's NSG");
    world.emulator.admin.clearFaults();
    world.emulator.admin.addFaults([
      {
        match: { method: "PUT", path: "networkSecurityGroups/" + stuck.name + "$" },
        times: 1,
        effect: { kind: "operation-never-finishes" },
      },
    ]);
    await world.engine.startNew(BUILD_ENVIRONMENT, {
      instanceId: plan.environmentId,
      input: { plan, requestedBy: "test" },
    });
    const status = await waitForInstance(world.engine, plan.environmentId, 120_000);

    assert.equal(status.runtimeStatus, "Failed");
    const progress = status.customStatus as EnvironmentProgress;
    assert.equal(progress.nodes[stuck.key], "failed");
    assert.equal(progress.lastError?.code, DEADLINE_EXCEEDED_CODE);
    const deadlineSec = operationDeadlineSec(stuck.kind, "create");
    assert.ok(
      progress.elapsedSec >= deadlineSec,
      `gave up after ${progress.elapsedSec} s, deadline ${deadlineSec} s`,
    );
    assert.equal(progress.nodes["base/key-vault"], "succeeded", "an independent branch finished");
  });
});
