/**
 * How many environments of one batch build at once when no setting says: as many as the subscription's
 * ARM write bucket can feed, not a constant. Writes are paced per subscription (`lib/azure/bucket-pacing.ts`),
 * so the bucket is never emptied whatever the number; this number keeps the pacing from stretching the
 * builds: the bucket's burst above the pacer's reserve, plus what it refills during one build's critical
 * path, over the writes of one build (at most one per node on a first build).
 */
import { ARM_WRITE_BUCKET, DEFAULT_PACING_RESERVE } from "../azure/bucket-pacing";
import { summarizePlan } from "./summary";
import type { Plan } from "./types";

/**
 * Builds of `plans` to run at once: ⌊(capacity − reserve + refill/s × shortest critical path) ÷ most
 * nodes of a plan⌋, at least 1 and at most the number of plans. The example's 34 nodes and 691 s path
 * give 208.
 */
export function writeBucketConcurrency(plans: readonly Plan[]): number {
  if (plans.length === 0) return 1;
  const writesPerBuild = Math.max(1, ...plans.map((plan) => plan.nodes.length));
  const pathSec = Math.min(...plans.map((plan) => summarizePlan(plan).estimatedBuildSec));
  const fed = ARM_WRITE_BUCKET.capacity - DEFAULT_PACING_RESERVE + ARM_WRITE_BUCKET.refillPerSec * pathSec;
  return Math.max(1, Math.min(plans.length, Math.floor(fed / writesPerBuild)));
}
