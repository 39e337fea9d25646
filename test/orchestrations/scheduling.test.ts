import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Plan, PlanNode, Stage } from "../../lib/plan/types";
import {
  currentStage,
  initialStates,
  isBuildFinished,
  readyNodes,
  remainingEstimateSec,
  skipDependents,
  stageProgress,
  type NodeStates,
} from "../../orchestrations/scheduling";

function node(
  key: string,
  dependsOn: string[],
  estimatedDurationSec: number,
  stage: Stage = "network",
): PlanNode {
  return {
    key,
    kind: "resourceGroup",
    module: key.split("/")[0] ?? key,
    stage,
    name: key,
    id: `/x/${key}`,
    dependsOn,
    desired: {},
    immutable: [],
    estimatedDurationSec,
  };
}

function plan(nodes: PlanNode[]): Plan {
  return {
    formatVersion: 1,
    environmentId: "acme-test",
    org: "acme",
    environment: "test",
    subscriptionId: "sub",
    location: "eastus2",
    resourceGroup: "rg",
    pinnedDefaults: {},
    nodes,
    hash: "h",
  };
}

// rg -> vnet -> subnet -> aks ; rg -> redis ; (redis, subnet) -> pe
const sample = plan([
  node("base/rg", [], 1),
  node("base/vnet", ["base/rg"], 10),
  node("cache/redis", ["base/rg"], 1200, "data"),
  node("base/subnet", ["base/vnet"], 10),
  node("k8s/aks", ["base/subnet"], 480, "cluster"),
  node("cache/pe", ["cache/redis", "base/subnet"], 60, "data"),
]);

describe("scheduling over the plan DAG", () => {
  test("starts with only the roots ready", () => {
    assert.deepEqual(
      readyNodes(sample, initialStates(sample)).map((n) => n.key),
      ["base/rg"],
    );
  });

  test("starts every node whose own dependencies are done, without waiting for its stage", () => {
    const states: NodeStates = { ...initialStates(sample), "base/rg": "succeeded" };
    assert.deepEqual(
      readyNodes(sample, states).map((n) => n.key),
      ["base/vnet", "cache/redis"],
    );
  });

  test("counts an unchanged (adopted) dependency as done", () => {
    const states: NodeStates = { ...initialStates(sample), "base/rg": "unchanged", "base/vnet": "unchanged" };
    assert.deepEqual(
      readyNodes(sample, states).map((n) => n.key),
      ["cache/redis", "base/subnet"],
    );
  });

  test("skips the dependents of a failed node and leaves independent branches pending", () => {
    const states: NodeStates = {
      ...initialStates(sample),
      "base/rg": "succeeded",
      "base/vnet": "failed",
    };
    const next = skipDependents(sample, states, "base/vnet");
    assert.equal(next["base/subnet"], "skipped");
    assert.equal(next["k8s/aks"], "skipped");
    assert.equal(next["cache/pe"], "skipped", "transitively, through the subnet");
    assert.equal(next["cache/redis"], "pending");
    assert.equal(isBuildFinished(next), false);
    assert.equal(isBuildFinished({ ...next, "cache/redis": "succeeded" }), true);
  });

  test("estimates the remaining time as the longest chain of unfinished work", () => {
    assert.equal(remainingEstimateSec(sample, initialStates(sample)), 1 + 1200 + 60);
    const states: NodeStates = {
      ...initialStates(sample),
      "base/rg": "succeeded",
      "cache/redis": "creating",
    };
    // The cluster chain (10 + 10 + 480) is now longer than what is left of Redis and its endpoint.
    assert.equal(remainingEstimateSec(sample, states, { "cache/redis": 1000 }), 500);
    const clusterDone: NodeStates = {
      ...states,
      "base/vnet": "succeeded",
      "base/subnet": "succeeded",
      "k8s/aks": "succeeded",
    };
    assert.equal(remainingEstimateSec(sample, clusterDone, { "cache/redis": 1000 }), 200 + 60);
  });

  test("reports progress per stage and the earliest open stage", () => {
    const states: NodeStates = {
      ...initialStates(sample),
      "base/rg": "succeeded",
      "base/vnet": "succeeded",
      "base/subnet": "unchanged",
    };
    const progress = stageProgress(sample, states);
    assert.deepEqual(
      progress.map((p) => [p.stage, p.total, p.counts.succeeded + p.counts.unchanged]),
      [
        ["network", 3, 3],
        ["cluster", 1, 0],
        ["data", 2, 0],
      ],
    );
    assert.equal(currentStage(sample, states), "cluster");
  });
});
