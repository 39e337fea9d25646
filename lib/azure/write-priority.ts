/**
 * The priority of the ARM writes made inside a call, carried through the Azure SDK's pipeline to the
 * subscription's bucket pacer (`bucket-pacing.ts`) without threading it through every client call.
 * When the bucket is low, waiting writes go in priority order: the build gives each node's writes the
 * length of the longest chain its node starts (`chainToEndSec`, lib/plan/graph.ts), so of fifty builds
 * sharing one bucket, the writes on their critical paths wait least.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const storage = new AsyncLocalStorage<number>();

/** Runs `call` with its ARM writes at `priority` (higher goes first). */
export function withWritePriority<T>(priority: number | undefined, call: () => Promise<T>): Promise<T> {
  return priority === undefined ? call() : storage.run(priority, call);
}

/** The priority of writes made here: what the innermost {@link withWritePriority} set, else 0. */
export function currentWritePriority(): number {
  return storage.getStore() ?? 0;
}
