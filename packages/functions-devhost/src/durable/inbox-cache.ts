import type { NewMessage } from "./store";

/** Instances whose inbox stays in memory (most recently used). */
const DEFAULT_CAPACITY = 500;
/**
 * Deleted row keys kept per inbox: a scan reports rows as they were when it read them, a moment before;
 * one deleted longer ago that a scan still reports only costs a listing.
 */
const CONSUMED_KEPT = 100;

interface Inbox {
  /** Every message row in the instance's partition, as far as this engine knows, by row key. */
  readonly messages: Map<string, NewMessage>;
  /** Rows this engine deleted since, which a scan read before the deletion may still report. */
  readonly consumed: Set<string>;
}

/**
 * The message rows of the instances this engine processes, so an episode need not list its instance's
 * inbox again when every message since the last listing is one this engine wrote itself (activity
 * results, timers, deliveries from its children, raised events). An inbox is known from a listing on and
 * kept whole by this engine's own writes and deletions; a scan of the hub that reports a visible row the
 * inbox lacks (another engine's write) forgets it, so the next episode lists again.
 *
 * Only an optimization: a message another engine wrote is found by the next scan; one it consumed fails
 * this engine's checkpoint (the deletion finds no row, the instance row's ETag has moved), after which
 * the instance is read and listed again. Rows are kept without their ETags: an episode deletes the
 * messages it consumes unconditionally, within its checkpoint conditional on the instance row.
 */
export class InboxCache {
  readonly #entries = new Map<string, Inbox>();
  /** Rows this engine wrote while a listing of their instance was in flight: the listing may miss them. */
  readonly #writtenDuringListing = new Map<string, Map<string, NewMessage>>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** The instance's messages, or `undefined` when this engine does not know them all. */
  get(instanceId: string): NewMessage[] | undefined {
    const inbox = this.#entries.get(instanceId);
    return inbox && [...inbox.messages.values()];
  }

  /** A listing of the instance's messages begins: rows written from now on are kept over its answer. */
  listing(instanceId: string): void {
    this.#writtenDuringListing.set(instanceId, new Map());
  }

  /**
   * A listing's answer (after {@link listing}): the whole inbox, with what this engine wrote meanwhile;
   * unless the inbox was forgotten while the listing was in flight (it may have missed that row).
   */
  listed(instanceId: string, messages: readonly NewMessage[]): void {
    const written = this.#writtenDuringListing.get(instanceId);
    if (!written) return;
    this.#writtenDuringListing.delete(instanceId);
    const inbox: Inbox = { messages: new Map(), consumed: new Set() };
    for (const item of messages) inbox.messages.set(item.rowKey, item);
    for (const item of written.values()) inbox.messages.set(item.rowKey, item);
    this.#entries.delete(instanceId);
    this.#entries.set(instanceId, inbox);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  /** This engine wrote a message row (created or replaced it), and storage confirmed it. */
  written(item: NewMessage): void {
    this.#writtenDuringListing.get(item.instanceId)?.set(item.rowKey, item);
    const inbox = this.#entries.get(item.instanceId);
    if (!inbox) return;
    inbox.messages.set(item.rowKey, item);
    inbox.consumed.delete(item.rowKey);
  }

  /** This engine deleted message rows of the instance, and storage confirmed it. */
  deleted(instanceId: string, rowKeys: readonly string[]): void {
    const inbox = this.#entries.get(instanceId);
    if (!inbox) return;
    for (const rowKey of rowKeys) {
      inbox.messages.delete(rowKey);
      inbox.consumed.add(rowKey);
    }
    for (const rowKey of inbox.consumed) {
      if (inbox.consumed.size <= CONSUMED_KEPT) break;
      inbox.consumed.delete(rowKey);
    }
  }

  /**
   * A scan of the hub saw a visible message row: one the inbox lacks and this engine did not delete is
   * another engine's, so the inbox is no longer known whole.
   */
  seen(instanceId: string, rowKey: string): void {
    const inbox = this.#entries.get(instanceId);
    if (inbox && !inbox.messages.has(rowKey) && !inbox.consumed.has(rowKey)) this.forget(instanceId);
  }

  forget(instanceId: string): void {
    this.#entries.delete(instanceId);
    this.#writtenDuringListing.delete(instanceId);
  }
}
