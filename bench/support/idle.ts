/**
 * What the devhost spends with no work (its scans of the hub, the queue triggers' polls): a cost per
 * second of wall time, which a build's figure includes for as long as the build lasts.
 */
import { cpuBetween } from "./cpu";
import type { BenchStack } from "./stack";

/**
 * The devhost's CPU seconds over the quietest of `samples` idle samples of `sampleSec` real seconds;
 * `undefined` off Linux. The lowest is taken: for a while after its start (or a build) the host still
 * collects garbage and compiles code, which is not its upkeep.
 */
export async function lowestIdleDevhostSec(
  stack: BenchStack,
  samples: number,
  sampleSec: number,
): Promise<number | undefined> {
  let lowest: number | undefined;
  for (let sample = 0; sample < samples; sample++) {
    const before = stack.cpu();
    await new Promise((resolve) => setTimeout(resolve, sampleSec * 1000));
    const { devhost } = cpuBetween(before, stack.cpu());
    if (devhost !== undefined) lowest = Math.min(lowest ?? devhost, devhost);
  }
  return lowest;
}
