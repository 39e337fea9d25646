import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { OrchestrationContext } from "durable-functions";
import { setCustomStatusLazily } from "../../orchestrations/lazy-status";

/** The part of `context.df` the helper uses: the status the library would hand to the host. */
function statusHolder() {
  const holder = { status: undefined as unknown };
  const context = { df: { setCustomStatus: (value: unknown) => (holder.status = value) } };
  return { holder, context: context as unknown as OrchestrationContext };
}

describe("a custom status set lazily", () => {
  test("is computed when the host serializes it, once, and only the one set last", () => {
    const { holder, context } = statusHolder();
    const computed: number[] = [];
    for (let round = 0; round < 50; round++) {
      setCustomStatusLazily(context, () => {
        computed.push(round);
        return { round, stage: "network" };
      });
    }
    assert.deepEqual(computed, [], "nothing is computed while rounds replay");
    assert.equal(JSON.stringify(holder.status), JSON.stringify({ round: 49, stage: "network" }));
    assert.deepEqual(computed, [49]);
  });

  test("serializes inside the state the library sends, as the host does", () => {
    const { holder, context } = statusHolder();
    setCustomStatusLazily(context, () => ({ timeline: [{ node: "base/rg", state: "succeeded" }] }));
    const state = JSON.parse(JSON.stringify({ isDone: false, customStatus: holder.status })) as unknown;
    assert.deepEqual(state, {
      isDone: false,
      customStatus: { timeline: [{ node: "base/rg", state: "succeeded" }] },
    });
  });
});
