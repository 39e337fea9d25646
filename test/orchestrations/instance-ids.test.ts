import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ensureNodeInstanceId } from "../../orchestrations/instance-ids";
import { examplePlan } from "./example-plan";

describe("child instance ids", () => {
  const plan = examplePlan();
  const ids = plan.nodes.map((node) => ensureNodeInstanceId(plan.environmentId, node.key));

  test("start with the environment id, so a build's children are found by its id", () => {
    for (const id of ids) assert.ok(id.startsWith(`${plan.environmentId}:`), id);
  });

  test("never hold a character the Azure Storage backend refuses in table keys", () => {
    for (const id of ids) assert.doesNotMatch(id, /[/\\#?]/, id);
  });

  test("differ for every node of a plan", () => {
    assert.equal(new Set(ids).size, plan.nodes.length);
  });
});
