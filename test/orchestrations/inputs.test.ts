/**
 * Every orchestration checks its own input: Durable's management API can start any orchestration with
 * any input under any instance id, and such a start must fail at once with a clear message instead of
 * running half-way or beside the environment's one build.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  InvalidOrchestrationInputError,
  batchInputOf,
  buildInputOf,
  destroyInputOf,
  ensureNodeInputOf,
} from "../../orchestrations/inputs";
import { ensureNodeInstanceId } from "../../orchestrations/instance-ids";
import { examplePlan } from "./example-plan";

const plan = examplePlan("minimal.yaml");

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InvalidOrchestrationInputError, String(error));
    return error.message;
  }
  assert.fail("the input was accepted");
}

describe("orchestration inputs", () => {
  test("fails a build started with {} naming what is missing, before anything runs", () => {
    const message = refusal(() => buildInputOf({}, "buildEnvironment", "x"));
    assert.match(message, /^buildEnvironment x was started with an input it cannot run: /);
    assert.match(message, /plan/);
    assert.match(message, /requestedBy/);
  });

  test("fails a build of an environment under any instance id but the environment's own (a `restart` with a new id)", () => {
    const message = refusal(() =>
      buildInputOf({ plan, requestedBy: "http" }, "buildEnvironment", "4c1e0a2b9d7f4e1d8a3b5c6d7e8f9a0b"),
    );
    assert.match(message, new RegExp(`runs under instance id ${plan.environmentId}`));
  });

  test("accepts the API's own input under the environment's id", () => {
    const input = { plan, requestedBy: "http" };
    assert.equal(buildInputOf(input, "buildEnvironment", plan.environmentId), input);
    assert.ok(destroyInputOf({ ...input, keyVault: "keep" }, "destroyEnvironment", plan.environmentId));
  });

  test("fails a plan whose nodes depend on nodes not planned before them", () => {
    const [first, ...rest] = plan.nodes;
    assert.ok(first);
    const broken = { ...plan, nodes: [...rest, first] };
    const message = refusal(() =>
      buildInputOf({ plan: broken, requestedBy: "x" }, "buildEnvironment", plan.environmentId),
    );
    assert.match(message, new RegExp(`${first.key} is not a node planned before`));
  });

  test("checks the plan in a run's first episode only: a replay takes the input as that episode accepted it", () => {
    const [first, ...rest] = plan.nodes;
    assert.ok(first);
    // A plan the first episode would refuse: a replay cannot hold one (the run ended there), so it is
    // the way to see that a replay does not walk the plan again.
    const broken = { plan: { ...plan, nodes: [...rest, first] }, requestedBy: "x" };
    assert.equal(buildInputOf(broken, "buildEnvironment", plan.environmentId, true), broken);
    assert.match(
      refusal(() => buildInputOf(broken, "buildEnvironment", plan.environmentId, false)),
      /is not a node planned before/,
    );
    // Where the run may run is still asked on every episode: it costs nothing.
    assert.match(
      refusal(() => buildInputOf(broken, "buildEnvironment", "4c1e0a2b9d7f4e1d8a3b5c6d7e8f9a0b", true)),
      /runs under instance id/,
    );
  });

  test("fails a destroy asked to do something with the vault other than keep or purge", () => {
    const message = refusal(() =>
      destroyInputOf({ plan, keyVault: "shred", requestedBy: "x" }, "destroyEnvironment", plan.environmentId),
    );
    assert.match(message, /keyVault/);
  });

  test("fails a batch without items or with a concurrency below 1", () => {
    assert.match(
      refusal(() => batchInputOf({ requestedBy: "q" }, "provisionBatch", "b")),
      /items/,
    );
    assert.match(
      refusal(() => batchInputOf({ items: [], maxConcurrent: 0, requestedBy: "q" }, "provisionBatch", "b")),
      /maxConcurrent/,
    );
  });

  test("runs a node only under the instance id its environment's build gives it", () => {
    const node = plan.nodes[0];
    assert.ok(node);
    const own = ensureNodeInstanceId(plan.environmentId, node.key);
    assert.ok(ensureNodeInputOf({ node }, "ensureNodeOrchestration", own));
    assert.match(
      refusal(() => ensureNodeInputOf({ node }, "ensureNodeOrchestration", "somewhere-else")),
      /runs as a child of its environment's build/,
    );
    assert.match(
      refusal(() => ensureNodeInputOf({}, "ensureNodeOrchestration", own)),
      /node/,
    );
  });
});
