/**
 * The real example plan (`examples/staging.yaml`, 33 nodes) built by the real scheduler on virtual time,
 * every operation taking its latency model's median: when each node starts, and the makespan against
 * the plan's critical path (printed).
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { latencyOf } from "../../../lib/latency-model";
import { criticalPath } from "../../../lib/plan/graph";
import { ARM_TYPE_BY_KIND } from "../../../lib/plan/kinds";
import type { Plan } from "../../../lib/plan/types";
import type { BuildOutput } from "../../../orchestrations/contracts";
import { ensureNodeInstanceId } from "../../../orchestrations/instance-ids";
import { examplePlan } from "../example-plan";
import { runBuild, type BuildRun } from "./builds";
import { SYNCHRONOUS_KINDS } from "./azure";

describe("building examples/staging.yaml on virtual time", () => {
  let plan: Plan;
  let run: BuildRun;
  let wallMs: number;
  before(async () => {
    plan = examplePlan();
    const startedAt = performance.now();
    run = await runBuild(plan);
    wallMs = performance.now() - startedAt;
  });

  test("builds every node and completes", () => {
    assert.equal(run.build.status, "Completed", run.build.error);
    const output = run.build.output as BuildOutput;
    for (const node of plan.nodes) assert.equal(output.nodes[node.key], "succeeded", node.key);
  });

  test("starts every node the moment its last dependency ends", () => {
    for (const node of plan.nodes) {
      const span = run.spans.get(node.key);
      assert.ok(span, `${node.key} started`);
      const depsDoneMs = Math.max(0, ...node.dependsOn.map((dep) => run.spans.get(dep)?.endMs ?? Infinity));
      assert.equal(
        span.startMs,
        depsDoneMs,
        `${node.key} started at ${span.startMs} ms, its dependencies were done at ${depsDoneMs} ms`,
      );
    }
  });

  test("starts each node's sub-orchestration exactly once (#574)", () => {
    const started = run.driver.subOrchestrationStarts.map((start) => start.instanceId);
    assert.equal(new Set(started).size, started.length);
    assert.deepEqual(
      [...started].sort(),
      plan.nodes.map((node) => ensureNodeInstanceId(plan.environmentId, node.key)).sort(),
    );
  });

  test("takes no less than the critical path, and no more than each node's poll interval longer", () => {
    // The simulation finishes resource groups and data-plane steps within their call: they take no time
    // on the path here, whatever the plan estimates for them.
    const path = criticalPath(
      plan.nodes.map((node) =>
        SYNCHRONOUS_KINDS.has(node.kind) ? { ...node, estimatedDurationSec: 0 } : node,
      ),
    );
    // Each node may end up to one poll interval after its median; its end is noticed at once.
    const slowest = criticalPath(
      plan.nodes.map((node) => ({
        ...node,
        estimatedDurationSec:
          node.estimatedDurationSec + latencyOf(ARM_TYPE_BY_KIND[node.kind]).pollIntervalSec,
      })),
    );
    const makespanSec = ((run.build.endedAtMs as number) - run.build.createdAtMs) / 1000;
    console.log(
      `staging.yaml: makespan ${makespanSec} s of orchestration time; critical path ${path.lengthSec} s ` +
        `(${path.keys.join(" > ")}); ratio ${(makespanSec / path.lengthSec).toFixed(3)}; bound ` +
        `${slowest.lengthSec} s; ${run.driver.instances().reduce((sum, i) => sum + i.episodes, 0)} episodes ` +
        `in ${wallMs.toFixed(0)} ms`,
    );
    assert.ok(makespanSec >= path.lengthSec, `${makespanSec} s < critical path ${path.lengthSec} s`);
    assert.ok(makespanSec <= slowest.lengthSec, `${makespanSec} s > ${slowest.lengthSec} s`);
  });
});
