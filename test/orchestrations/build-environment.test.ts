import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { criticalPath } from "../../lib/plan";
import type { Plan } from "../../lib/plan/types";
import {
  BUILD_ENVIRONMENT,
  type BuildOutput,
  type EnvironmentProgress,
} from "../../orchestrations/contracts";
import { examplePlan, startWorld, waitForInstance, type OrchestrationWorld } from "./harness";

describe("building examples/staging.yaml on the devhost against the emulator", () => {
  let world: OrchestrationWorld;
  let plan: Plan;

  before(async () => {
    plan = examplePlan();
    world = await startWorld(plan.subscriptionId);
  });
  after(async () => world?.close());

  test("builds every node, reports outputs, and ends Completed", async () => {
    const started = Date.now();
    await world.engine.startNew(BUILD_ENVIRONMENT, {
      instanceId: plan.environmentId,
      input: { plan, requestedBy: "test" },
    });
    const status = await waitForInstance(world.engine, plan.environmentId, 60_000);
    const path = criticalPath(plan.nodes);
    const elapsedSec = (status.customStatus as EnvironmentProgress).elapsedSec;
    console.log(
      `build: ${Date.now() - started} ms real, ${elapsedSec} s orchestration time; critical path ${path.lengthSec} s (${path.keys.join(" > ")}); ratio ${(elapsedSec / path.lengthSec).toFixed(3)}`,
    );
    assert.equal(
      status.runtimeStatus,
      "Completed",
      JSON.stringify(status.customStatus)?.slice(0, 3000) + String(status.output),
    );
    const output = status.output as BuildOutput;
    for (const node of plan.nodes) assert.equal(output.nodes[node.key], "succeeded", node.key);
    const progress = status.customStatus as EnvironmentProgress;
    assert.equal(progress.etaSec, 0);
    assert.ok(output.outputs.resourceGroupId);
  });
});
