/**
 * Time in an orchestration: read only from the replayed clock, waited only on durable timers, so a
 * replay sees the same instants and a wait of minutes holds no worker.
 */
import type { OrchestrationContext, Task } from "durable-functions";

/** Orchestration time in epoch milliseconds: the only clock an orchestration may read. */
export function orchestrationNowMs(context: OrchestrationContext): number {
  return context.df.currentUtcDateTime.getTime();
}

/**
 * Waits `delayMs` of orchestration time on a durable timer.
 * @param delayMs - milliseconds; values below 0 wait 0
 */
export function* sleep(context: OrchestrationContext, delayMs: number): Generator<Task, void, unknown> {
  yield context.df.createTimer(new Date(orchestrationNowMs(context) + Math.max(0, delayMs)));
}
