/**
 * The one waiting loop of the build and batch orchestrations: start what may start, wait until
 * something ends, hand each ended task to the caller, repeat.
 *
 * Every task is yielded exactly once, inside the `Task.any` of the round that started it. Re-yielding an
 * already scheduled task inside a new `Task.any` makes durable-functions 3.x send its action again
 * (Azure/azure-functions-durable-js#574: the task is launched twice; the devhost reports it as a
 * non-deterministic replay), so tasks of earlier rounds are not re-awaited. Their completions are read
 * from their state whenever a round wakes, and a short durable timer (the tick) wakes a round that has
 * only such tasks left to hear from.
 */
import type { OrchestrationContext, Task } from "durable-functions";
import { orchestrationNowMs } from "./orchestration-time";

/** A task the pool runs, under a caller's key. */
export interface PoolEntry {
  readonly key: string;
  readonly task: Task;
  /** Orchestration time it started, in epoch milliseconds. */
  readonly startedAtMs: number;
}

/** What the caller decides. Every callback must be deterministic (it is replayed). */
export interface PoolCallbacks {
  /** Starts what may start now, given the keys running, and returns the new tasks by key. */
  readonly startReady: (
    running: ReadonlyMap<string, PoolEntry>,
  ) => ReadonlyArray<{ key: string; task: Task }>;
  /** Receives one ended task (completed or faulted). Called in {@link PoolCallbacks.keyOrder} order. */
  readonly onEnded: (entry: PoolEntry) => void;
  /** After starting and before waiting: the moment to report progress. */
  readonly onRound?: (running: ReadonlyMap<string, PoolEntry>) => void;
  /** Seconds to wait for tasks started in earlier rounds before looking at them again. */
  readonly tickSec: (waitingOn: readonly PoolEntry[]) => number;
  /** Every key, in the order ended tasks are handed over (the same on every replay). */
  readonly keyOrder: readonly string[];
  /** Upper bound on rounds, a guard against a caller that never lets the pool drain. */
  readonly maxRounds: number;
}

/** Runs the pool until nothing runs and nothing more starts. */
export function* runTaskPool(
  context: OrchestrationContext,
  pool: PoolCallbacks,
): Generator<Task, void, unknown> {
  const running = new Map<string, PoolEntry>();
  for (let round = 0; round < pool.maxRounds; round++) {
    const started = pool.startReady(running);
    for (const { key, task } of started)
      running.set(key, { key, task, startedAtMs: orchestrationNowMs(context) });
    pool.onRound?.(running);
    if (running.size === 0) return;

    const startedKeys = new Set(started.map((entry) => entry.key));
    const earlier = [...running.values()].filter((entry) => !startedKeys.has(entry.key));
    const tick =
      earlier.length > 0
        ? context.df.createTimer(new Date(orchestrationNowMs(context) + pool.tickSec(earlier) * 1000))
        : undefined;
    const waitFor = started.map((entry) => entry.task);
    yield context.df.Task.any(tick ? [...waitFor, tick] : waitFor);
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
