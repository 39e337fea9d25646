/**
 * `GET /api/environments/{id}/graph`'s answer, from the staging example's plan: every resource with its
 * stage, dependencies and estimates, the critical path, and positions that draw a readable DAG.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { criticalPath } from "../../lib/plan/graph";
import { planGraph } from "../../functions/plan-graph";
import { examplePlan } from "../orchestrations/example-plan";

const plan = examplePlan("staging.yaml");
const graph = planGraph(plan);
const byKey = new Map(graph.nodes.map((node) => [node.key, node]));

describe("the plan as a graph", () => {
  test("holds every resource in plan order with its kind, stage and dependencies, and no desired state", () => {
    assert.deepEqual(
      graph.nodes.map((node) => node.key),
      plan.nodes.map((node) => node.key),
    );
    for (const node of plan.nodes) {
      const shown = byKey.get(node.key)!;
      assert.equal(shown.kind, node.kind);
      assert.equal(shown.stage, node.stage);
      assert.deepEqual(shown.dependsOn, node.dependsOn);
      assert.equal("desired" in shown, false);
    }
    assert.equal(graph.planHash, plan.hash);
  });

  test("marks the critical path and schedules each resource after its dependencies, within the build estimate", () => {
    const path = criticalPath(plan.nodes);
    assert.deepEqual(graph.criticalPath, path);
    assert.deepEqual(
      graph.nodes
        .filter((node) => node.critical)
        .map((node) => node.key)
        .sort(),
      [...path.keys].sort(),
    );
    for (const node of graph.nodes) {
      const ready = Math.max(0, ...node.dependsOn.map((dep) => byKey.get(dep)!.estimatedFinishSec));
      assert.equal(node.estimatedStartSec, ready, node.key);
      assert.equal(node.estimatedFinishSec, node.estimatedStartSec + node.estimatedDurationSec);
      assert.ok(node.estimatedFinishSec <= graph.estimatedBuildSec);
    }
    assert.deepEqual(
      graph.stages.map((stage) => stage.stage),
      ["network", "cluster", "data", "secrets"],
    );
  });

  test("lays resources out left to right: each column after its dependencies', one row per resource in a column", () => {
    for (const node of graph.nodes) {
      const deepest = Math.max(-1, ...node.dependsOn.map((dep) => byKey.get(dep)!.layer));
      assert.equal(node.layer, deepest + 1, node.key);
    }
    const cells = graph.nodes.map((node) => `${node.layer}:${node.order}`);
    assert.equal(new Set(cells).size, cells.length, "no two resources share a cell");
    for (let layer = 0; layer <= Math.max(...graph.nodes.map((n) => n.layer)); layer++) {
      const rows = graph.nodes
        .filter((n) => n.layer === layer)
        .map((n) => n.order)
        .sort((a, b) => a - b);
      assert.deepEqual(
        rows,
        rows.map((_, index) => index),
        `column ${layer} has rows 0..n-1`,
      );
    }
  });
});
