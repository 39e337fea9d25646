/**
 * When the Durable Functions Azure Storage backend notices an orchestration's messages, as a model the
 * engine follows (`queuePolling` settings), so a local build waits on durable timers as long as it would
 * on Azure. What the backend does (DurableTask.AzureStorage `Messaging/TaskHubQueue.cs`,
 * `Messaging/ControlQueue.cs`, `BackoffPollingHelper.cs`; docs/durable-protocol.md, "Queue polling"):
 * - each instance's messages go to one of `partitionCount` control queues, chosen by the 32-bit FNV-1a
 *   hash of its instance id (UTF-8) modulo the count;
 * - each queue has its own poller. A poll that finds messages resets it; after a poll that finds none
 *   it waits, first the minimum (50 ms), then each further wait is `min + r × 2^(n−1) × min` with `r`
 *   uniform in [0.8, 1.2] and `n` counting the empty polls since the reset, until that would reach
 *   `maxQueuePollingInterval` (host.json, default 30 s), where the wait stays;
 * - a message this host adds to a queue wakes that queue's poller at once (`Reset`), so a message visible
 *   at once (an activity's result, a sub-orchestration's end, a raised event, a start) is picked up at
 *   once, while a durable timer — a message that becomes visible at its `FireAt` — is picked up by the
 *   first poll after that, up to `maxQueuePollingInterval` later when the queue has been idle.
 *
 * The engine does not poll storage on this schedule: it knows the timers it wrote, and sets one real
 * timer for the poll of each queue that will first find one due. All times here are durable-clock
 * milliseconds (Azure time), which a scaled clock runs faster than the wall clock.
 */

/** The Azure Storage backend's queue-polling settings, from host.json `extensions.durableTask.storageProvider`. */
export interface QueuePollingSettings {
  /** Control queues of the task hub (`partitionCount`, 1–16). @default 4 */
  readonly partitionCount: number;
  /** Longest wait between polls of an idle queue, in clock ms (`maxQueuePollingInterval`). @default 30000 */
  readonly maxIntervalMs: number;
  /** Shortest wait, in clock ms: DurableTask.AzureStorage's fixed 50 ms. */
  readonly minIntervalMs: number;
}

/** The backend's defaults (DurableTask.AzureStorage `AzureStorageOrchestrationServiceSettings`). */
export const DEFAULT_QUEUE_POLLING: QueuePollingSettings = {
  partitionCount: 4,
  maxIntervalMs: 30_000,
  minIntervalMs: 50,
};

/** How much an increment of the back-off varies either way (the backend's `RandomizationFactor`). */
const RANDOMIZATION = 0.2;

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The 32-bit FNV-1a hash of `text`'s UTF-8 bytes. */
export function fnv1a(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash >>> 0;
}

/** The control queue (0 … `partitionCount` − 1) that holds `instanceId`'s messages. */
export function partitionOf(instanceId: string, partitionCount: number): number {
  return fnv1a(instanceId) % Math.max(1, partitionCount);
}

/**
 * The poll times of one queue. `signal` (a message this host added) and `found` (a poll that found
 * messages) reset the back-off; between them the polls are drawn once and kept, so asking twice when a
 * message will be noticed gives the same answer.
 */
export class QueuePoller {
  /** Upcoming poll times after the last reset, drawn as far as anyone asked. */
  readonly #polls: number[] = [];
  #lastWaitMs = 0;
  #exponent = 0;

  constructor(
    private readonly settings: QueuePollingSettings,
    nowMs: number,
    private readonly random: () => number = Math.random,
  ) {
    // A poller that has just started polls at once and then backs off from the minimum.
    this.#reset(nowMs);
  }

  /** A message was added to this queue by this host: the poller wakes, polls, and backs off again. */
  signal(nowMs: number): void {
    this.#reset(nowMs);
  }

  /** The poll at `nowMs` found messages: the poller starts over from its shortest wait. */
  found(nowMs: number): void {
    this.#reset(nowMs);
  }

  /** The first poll at or after `atMs` (a message that becomes visible then is noticed at that poll). */
  firstPollAtOrAfter(atMs: number): number {
    // Random waits until they reach the maximum (a few dozen polls at most: each at least doubles the
    // increment), then polls every `max`: a timer hours away costs no more than one minutes away.
    for (let i = 0; this.#last() < atMs && this.#lastWaitMs < this.settings.maxIntervalMs && i < 1_000; i++)
      this.#drawNext();
    const last = this.#last();
    if (last < atMs) {
      const periodMs = Math.max(1, this.settings.maxIntervalMs);
      return last + Math.ceil((atMs - last) / periodMs) * periodMs;
    }
    return this.#polls.find((pollMs) => pollMs >= atMs) ?? last;
  }

  /** Forgets polls before `nowMs` (already past). */
  prune(nowMs: number): void {
    while (this.#polls.length > 1 && (this.#polls[0] as number) < nowMs) this.#polls.shift();
  }

  #last(): number {
    return this.#polls[this.#polls.length - 1] as number;
  }

  /**
   * After a reset the poll happens at once (it finds nothing new: whatever was visible was taken), the
   * poller then waits the minimum, and each empty poll after that waits longer.
   */
  #reset(nowMs: number): void {
    this.#polls.length = 0;
    this.#polls.push(nowMs);
    this.#lastWaitMs = 0;
    this.#exponent = 1;
  }

  #drawNext(): void {
    const { minIntervalMs, maxIntervalMs } = this.settings;
    let waitMs: number;
    if (this.#lastWaitMs === 0) {
      waitMs = minIntervalMs;
    } else if (this.#lastWaitMs >= maxIntervalMs) {
      waitMs = maxIntervalMs;
    } else {
      const factor = 1 - RANDOMIZATION + this.random() * 2 * RANDOMIZATION;
      const grown = minIntervalMs + factor * Math.pow(2, this.#exponent - 1) * minIntervalMs;
      if (grown < maxIntervalMs) {
        waitMs = grown;
        this.#exponent += 1;
      } else {
        waitMs = maxIntervalMs;
      }
    }
    this.#lastWaitMs = waitMs;
    this.#polls.push(this.#last() + waitMs);
  }
}
