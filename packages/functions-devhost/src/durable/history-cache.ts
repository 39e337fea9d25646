import type { HistoryEvent } from "./history";
import type { HubStore, InstanceHead } from "./store";

/** Instances whose history stays in memory (most recently used). */
const DEFAULT_CAPACITY = 500;

interface CacheEntry {
  readonly executionId: string;
  readonly generation: number;
  readonly chunks: number;
  readonly events: HistoryEvent[];
}

/**
 * Histories read from the hub, kept to avoid re-reading the whole history every episode. Only an
 * optimization: the instance row (generation, chunk count) says what storage holds, and anything the
 * cache lacks is read again, so another engine's checkpoints are never missed.
 */
export class HistoryCache {
  readonly #entries = new Map<string, CacheEntry>();

  constructor(
    private readonly store: HubStore,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  /** The history of the record's current generation, as far as the record says it goes. */
  async get(record: InstanceHead): Promise<HistoryEvent[]> {
    const cached = this.#entries.get(record.instanceId);
    let entry = cached;
    // A different execution id is another run under the same id (a purge restarts generations at 0).
    if (
      !entry ||
      entry.executionId !== record.executionId ||
      entry.generation !== record.generation ||
      entry.chunks > record.historyChunks
    ) {
      entry = { executionId: record.executionId, generation: record.generation, chunks: 0, events: [] };
    }
    if (entry.chunks < record.historyChunks) {
      const more = await this.store.readHistory(record.instanceId, record.generation, entry.chunks);
      entry = { ...entry, chunks: record.historyChunks, events: [...entry.events, ...more] };
    }
    this.remember(record.instanceId, entry);
    return entry.events;
  }

  /** Records a chunk just committed. */
  appended(record: InstanceHead, events: readonly HistoryEvent[], previous: readonly HistoryEvent[]): void {
    this.remember(record.instanceId, {
      executionId: record.executionId,
      generation: record.generation,
      chunks: record.historyChunks,
      events: [...previous, ...events],
    });
  }

  forget(instanceId: string): void {
    this.#entries.delete(instanceId);
  }

  private remember(instanceId: string, entry: CacheEntry): void {
    this.#entries.delete(instanceId);
    this.#entries.set(instanceId, entry);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}
