import type { HistoryEvent } from "./history";
import type { NewMessage, WorkItem } from "./store";

type ActivityItem = Extract<WorkItem, { kind: "activity" }>;

/** An activity's result passed to its instance in memory, not yet in storage. */
export interface HandedResult {
  /** The activity's work item, still in storage: the checkpoint that records the result deletes it. */
  readonly item: ActivityItem;
  readonly completion: HistoryEvent;
  /**
   * The result as a message of the instance's inbox, under the activity row's key: the episode that
   * consumes it deletes that row, so recording the result and consuming the work are one transaction.
   */
  readonly message: NewMessage;
}

/**
 * Activity results this engine hands to instances whose lease it holds, instead of writing each as a
 * message row (a transaction of its own) for the instance's next episode to read and delete: the result
 * lands in that episode's checkpoint, which deletes the activity's work row in the same transaction.
 *
 * Nothing is lost if the engine dies first: the work row stays, leased to this engine until it runs
 * out, and the activity runs again (activities run at least once, as on the real host). Whenever the
 * engine stops processing an instance (the lease released or lost, the engine stopping), what it was
 * handed is written as ordinary message rows, so the next owner finds it.
 */
export class HandedResults {
  readonly #byInstance = new Map<string, Map<string, HandedResult>>();

  /** Keeps `completion` of `item` for its instance's next episode. */
  hand(item: ActivityItem, completion: HistoryEvent, nowMs: number): void {
    const message: NewMessage = {
      kind: "message",
      instanceId: item.instanceId,
      rowKey: item.rowKey,
      generation: item.generation,
      ...(item.executionId === undefined ? {} : { executionId: item.executionId }),
      visibleAtMs: nowMs,
      message: { type: "event", event: completion },
    };
    let results = this.#byInstance.get(item.instanceId);
    if (!results) {
      results = new Map();
      this.#byInstance.set(item.instanceId, results);
    }
    results.set(item.rowKey, { item, completion, message });
  }

  /** The results waiting for the instance's next episode, as inbox messages. */
  messagesOf(instanceId: string): NewMessage[] {
    const results = this.#byInstance.get(instanceId);
    return results ? [...results.values()].map((result) => result.message) : [];
  }

  /** Whether results wait for the instance's next episode. */
  hasResultsFor(instanceId: string): boolean {
    return this.#byInstance.has(instanceId);
  }

  /** Whether the activity row `rowKey` of the instance has finished and its result waits here. */
  holds(instanceId: string, rowKey: string): boolean {
    return this.#byInstance.get(instanceId)?.has(rowKey) ?? false;
  }

  /** A checkpoint deleted these rows of the instance: the results under those keys are recorded. */
  consumed(instanceId: string, rowKeys: readonly string[]): void {
    const results = this.#byInstance.get(instanceId);
    if (!results) return;
    for (const rowKey of rowKeys) results.delete(rowKey);
    if (results.size === 0) this.#byInstance.delete(instanceId);
  }

  /** Removes and returns the instance's results (to write them as message rows). */
  take(instanceId: string): HandedResult[] {
    const results = this.#byInstance.get(instanceId);
    this.#byInstance.delete(instanceId);
    return results ? [...results.values()] : [];
  }

  /** Instances with results waiting. */
  instances(): string[] {
    return [...this.#byInstance.keys()];
  }
}
