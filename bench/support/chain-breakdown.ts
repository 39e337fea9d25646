/**
 * Prints where a finished build's time went along its measured critical chain (the node that ended
 * last, back through the dependency each node waited for): per node its start delay, the model's
 * duration, how long it took, its poll interval, and from its sub-orchestration's history the timer
 * waits, the activity calls and the host's time between steps.
 */
import { latencyOf } from "../../lib/latency-model";
import { ARM_TYPE_BY_KIND } from "../../lib/plan/kinds";
import type { Plan } from "../../lib/plan/types";
import { ensureNodeInstanceId } from "../../orchestrations/instance-ids";
import { historyBreakdown, type NodeTiming } from "./node-timeline";
import type { BenchStack } from "./stack";

const sec = (value: number) => `${value.toFixed(1)} s`;
const pad = (text: string, width: number) => text.padEnd(width);

/** Prints, for each node of the measured critical chain, where its time went. */
export async function printBreakdown(stack: BenchStack, plan: Plan, chain: readonly NodeTiming[]) {
  console.log("where the time went, along the measured critical chain (simulated seconds):");
  const header = ["start", "delay", "model", "took", "poll", "checks", "waits", "calls", "host"];
  console.log(`  ${pad("node", 28)} ${header.map((h) => h.padStart(7)).join(" ")}`);
  const totals = { delay: 0, waitsOverModel: 0, calls: 0, host: 0 };
  for (const t of chain) {
    const history = await stack.instanceHistory(ensureNodeInstanceId(plan.environmentId, t.node.key));
    const h = history
      ? historyBreakdown(history)
      : { timers: 0, plannedWaitSec: 0, activities: 0, activitySec: 0 };
    const took = t.endSec - t.startSec;
    const host = took - h.plannedWaitSec - h.activitySec;
    totals.delay += t.startDelaySec;
    totals.waitsOverModel += h.plannedWaitSec - t.estimateSec;
    totals.calls += h.activitySec;
    totals.host += host;
    const cells = [
      t.startSec,
      t.startDelaySec,
      t.estimateSec,
      took,
      latencyOf(ARM_TYPE_BY_KIND[t.node.kind]).pollIntervalSec,
      h.timers,
      h.plannedWaitSec,
      h.activitySec,
      host,
    ];
    console.log(
      `  ${pad(t.node.key, 28)} ${cells.map((c) => c.toFixed(Number.isInteger(c) ? 0 : 1).padStart(7)).join(" ")}`,
    );
  }
  console.log(
    "  (delay: start after its last dependency ended; model: the emulator's operation length; poll: the\n" +
      "   type's check interval; checks: durable timers waited on; waits: their lengths; calls: ensure and\n" +
      "   check activities, scheduling to result; host: the rest — due timers noticed, episodes run)",
  );
  const model = chain.reduce((sum, t) => sum + t.estimateSec, 0);
  const line = (value: number, text: string) => console.log(`    ${sec(value).padStart(9)}  ${text}`);
  console.log(
    `  the chain's ${sec(model)} of operations became ${sec(model + totals.delay + totals.waitsOverModel + totals.calls + totals.host)}:`,
  );
  line(totals.delay, "start delays: a node's last dependency ended, its build woke and started it");
  line(totals.calls, "activity calls (ensure, status checks)");
  line(
    totals.host,
    "host time between steps (due timers noticed at their control queue's next poll, episodes run)",
  );
  line(
    totals.waitsOverModel,
    "timer waits minus the operations' lengths (negative: steps' own time counted toward the operation)",
  );
}
