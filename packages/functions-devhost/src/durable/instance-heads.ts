import type { InstanceHead } from "./store";

/** Instances whose row this engine last wrote, kept (most recently used). */
const DEFAULT_CAPACITY = 500;

/** An instance row as this engine last wrote it, with the ETag the write returned. */
export interface KnownHead {
  readonly head: InstanceHead;
  readonly etag: string;
  /**
   * The output and custom status the row holds, when this engine's write set both (a checkpoint, the
   * instance's creation): what a status read answers while the engine holds the instance.
   */
  readonly values?: { readonly output: unknown; readonly customStatus: unknown };
}

/**
 * The instance rows this engine wrote last (a checkpoint, which keeps the lease; a release), so the next
 * claim needs no write while the lease lasts, and otherwise takes it with a conditional write on the
 * remembered ETag instead of reading the row first. Only an optimization: a row anyone changed since
 * (another engine's lease, a restart, a purge) fails the next conditional write (412, or 404), and the
 * instance is read again.
 */
export class InstanceHeadCache {
  readonly #entries = new Map<string, KnownHead>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  get(instanceId: string): KnownHead | undefined {
    return this.#entries.get(instanceId);
  }

  remember(instanceId: string, known: KnownHead): void {
    this.#entries.delete(instanceId);
    this.#entries.set(instanceId, known);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  /** Every remembered row, by instance id. */
  entries(): [string, KnownHead][] {
    return [...this.#entries];
  }

  forget(instanceId: string): void {
    this.#entries.delete(instanceId);
  }
}
