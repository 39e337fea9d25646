/**
 * The batch's default concurrency (`lib/plan/batch-concurrency.ts`): chosen from ARM's write bucket and
 * the plans of the batch, not a constant.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ARM_WRITE_BUCKET, DEFAULT_PACING_RESERVE } from "../../lib/azure/bucket-pacing";
import { summarizePlan, writeBucketConcurrency } from "../../lib/plan";
import type { Plan } from "../../lib/plan/types";
import { examplePlan } from "../orchestrations/example-plan";

const staging = examplePlan("staging.yaml");

describe("a batch's default concurrency", () => {
  test("is what the write bucket feeds over one build's critical path, one write per node", () => {
    const pathSec = summarizePlan(staging).estimatedBuildSec;
    const fed = ARM_WRITE_BUCKET.capacity - DEFAULT_PACING_RESERVE + ARM_WRITE_BUCKET.refillPerSec * pathSec;
    const expected = Math.floor(fed / staging.nodes.length);
    const batch = Array.from({ length: 300 }, () => staging);
    assert.equal(writeBucketConcurrency(batch), expected);
    // Fifty copies of the example all build at once.
    assert.ok(expected >= 50, `${expected}`);
    assert.equal(writeBucketConcurrency(batch.slice(0, 50)), 50);
  });

  test("falls as builds get shorter and larger: the bucket feeds fewer of them", () => {
    const quick: Plan = {
      ...staging,
      nodes: staging.nodes.map((node) => ({ ...node, estimatedDurationSec: 1 })),
    };
    const batch = Array.from({ length: 300 }, () => quick);
    const concurrency = writeBucketConcurrency(batch);
    assert.ok(concurrency < writeBucketConcurrency(Array.from({ length: 300 }, () => staging)));
    assert.ok(concurrency >= 1);
  });

  test("is at least 1 and at most the batch's size", () => {
    assert.equal(writeBucketConcurrency([]), 1);
    assert.equal(writeBucketConcurrency([staging]), 1);
  });
});
