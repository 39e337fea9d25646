/**
 * What the devhost spends with no work (its scans of the hub, the queue triggers' polls): a cost per
 * second of wall time, which a build's figure includes for as long as the build lasts.
 */
import { cpuBetween } from "./cpu";
import type { BenchStack } from "./stack";

const IDLE_SAMPLES = 3;
const IDLE_SAMPLE_SEC = 10;

/** How {@link idleDevhostCpuPerSec} samples, for a bench's output. */
export const IDLE_METHOD = `the lowest of ${IDLE_SAMPLES} samples of ${IDLE_SAMPLE_SEC} s`;

/**
 * The devhost's CPU seconds per wall second over the quietest of a few idle samples; `undefined` off
 * Linux. The lowest is taken: for a while after its start (or a build) the host still collects garbage
 * and compiles code, which is not its upkeep.
 */
export async function idleDevhostCpuPerSec(stack: BenchStack): Promise<number | undefined> {
  let lowest: number | undefined;
  for (let sample = 0; sample < IDLE_SAMPLES; sample++) {
    const before = stack.cpu();
    await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLE_SEC * 1000));
    const { devhost } = cpuBetween(before, stack.cpu());
    if (devhost !== undefined) lowest = Math.min(lowest ?? devhost, devhost);
  }
  return lowest === undefined ? undefined : lowest / IDLE_SAMPLE_SEC;
}
