/**
 * The one waiting loop of the build and batch orchestrations: start what may start, wait until
 * something ends, hand each ended task to the caller, repeat.
 *
 * Each round waits on every running task at once, those of earlier rounds included, so a task's end
 * wakes the pool at once: a node's dependents start the moment its last dependency ends. Tasks of
 * earlier rounds are awaited again without sending their actions again (`any-without-rescheduling.ts`,
 * durable-functions #574). The exception is a task that waits for an external event (a user's input):
 * after its first round it is looked at on a durable timer (the tick) instead, since awaiting it again
 * would register its wait again.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { anyWithoutRescheduling } from "./any-without-rescheduling";
import { orchestrationNowMs } from "./orchestration-time";

/** A task the pool runs, under a caller's key. */
export interface PoolEntry {
  readonly key: string;
  readonly task: Task;
  /** Orchestration time it started, in epoch milliseconds. */
  readonly startedAtMs: number;
  /** The task waits for an external event: after its first round, ticks look at it. */
  readonly waitsForEvent: boolean;
}

/** A task to start, as the caller hands it over. */
export interface PoolStart {
  readonly key: string;
  readonly task: Task;
  /** True when the task waits for an external event (see {@link PoolEntry.waitsForEvent}). */
  readonly waitsForEvent?: boolean;
}

/** What the caller decides. Every callback must be deterministic (it is replayed). */
export interface PoolCallbacks {
  /** Starts what may start now, given the keys running, and returns the new tasks by key. */
  readonly startReady: (running: ReadonlyMap<string, PoolEntry>) => readonly PoolStart[];
  /** Receives one ended task (completed or faulted). Called in {@link PoolCallbacks.keyOrder} order. */
  readonly onEnded: (entry: PoolEntry) => void;
  /** After starting and before waiting: the moment to report progress. */
  readonly onRound?: (running: ReadonlyMap<string, PoolEntry>) => void;
  /**
   * Seconds to wait before looking again at event waits of earlier rounds: how late a user's input may
   * be noticed. Required of a caller that starts event waits.
   */
  readonly tickSec?: (eventWaits: readonly PoolEntry[]) => number;
  /** Every key, in the order ended tasks are handed over (the same on every replay). */
  readonly keyOrder: readonly string[];
  /** Upper bound on rounds, a guard against a caller that never lets the pool drain. */
  readonly maxRounds: number;
}

function tickSecOf(pool: PoolCallbacks, eventWaits: readonly PoolEntry[]): number {
  if (!pool.tickSec) throw new Error("the task pool was given event waits but no tickSec");
  return pool.tickSec(eventWaits);
}

/** Runs the pool until nothing runs and nothing more starts. */
export function* runTaskPool(
  context: OrchestrationContext,
  pool: PoolCallbacks,
): Generator<Task, void, unknown> {
  const running = new Map<string, PoolEntry>();
  for (let round = 0; round < pool.maxRounds; round++) {
    const started = pool.startReady(running);
    const startedKeys = new Set(started.map((entry) => entry.key));
    for (const { key, task, waitsForEvent = false } of started)
      running.set(key, { key, task, startedAtMs: orchestrationNowMs(context), waitsForEvent });
    pool.onRound?.(running);
    if (running.size === 0) return;

    const awaited = [...running.values()].filter(
      (entry) => startedKeys.has(entry.key) || !entry.waitsForEvent,
    );
    const eventWaitsOfEarlierRounds = [...running.values()].filter(
      (entry) => !startedKeys.has(entry.key) && entry.waitsForEvent,
    );
    const tick =
      eventWaitsOfEarlierRounds.length > 0
        ? context.df.createTimer(
            new Date(orchestrationNowMs(context) + tickSecOf(pool, eventWaitsOfEarlierRounds) * 1000),
          )
        : undefined;
    const waitFor = awaited.map((entry) => entry.task);
    yield anyWithoutRescheduling(context, tick ? [...waitFor, tick] : waitFor);
    if (tick && !tick.isCompleted) tick.cancel();

    for (const key of pool.keyOrder) {
      const entry = running.get(key);
      if (!entry || !(entry.task.isCompleted || entry.task.isFaulted)) continue;
      running.delete(key);
      pool.onEnded(entry);
    }
  }
  throw new Error(`task pool still running after ${pool.maxRounds} rounds`);
}
