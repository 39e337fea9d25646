/**
 * The durable engine on Azure Storage (Azurite locally): a poll loop over the hub's work rows that runs
 * orchestrator episodes, activities and outbox deliveries with concurrency limits, plus the management
 * operations of {@link DurableEngine}. Nothing needed for correctness lives only in memory: a new engine
 * on the same storage picks up every instance where its last checkpoint left it.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { DurableEngine, FunctionRegistry, InstanceQuery, InstanceStatus } from "../contracts";
import { StorageOutputBindings, type OutputBindingWriter } from "../output-bindings";
import { releaseActivities, runActivity, writeHandedResults } from "./activity-worker";
import { realClock, type Clock } from "./clock";
import {
  EngineStoppedError,
  findFunction,
  forgetInstance,
  ownLeaseLasts,
  isEngineStoppedError,
  type EngineContext,
  type EngineReport,
} from "./engine-context";
import { durableEngineError } from "./errors";
import { HandedResults } from "./handed-results";
import { HistoryCache } from "./history-cache";
import { InboxCache } from "./inbox-cache";
import { InstanceHeadCache } from "./instance-heads";
import { createInstance, isTerminal } from "./instances";
import { processInstance, releaseHeldLeases } from "./orchestration-worker";
import { dispatchOutbox } from "./outbox";
import { partitionOf, QueuePoller, type QueuePollingSettings } from "./queue-polling";
import { toInstanceStatus, type StatusOptions } from "./status";
import { HubStore, type OrchestrationMessage, type WorkItem } from "./store";
import { odata } from "./table-entities";
import { encodeKey, sortableTime } from "./table-values";
import { externalMessage } from "./work-items";
import { rewindInstance } from "./rewind";

/** Options of {@link AzureStorageDurableEngine}. */
export interface DurableEngineOptions {
  /** Storage connection string (Azurite's development account locally). */
  readonly connectionString: string;
  /** Task hub name (host.json `extensions.durableTask.hubName`): 3–45 letters and digits. */
  readonly taskHubName: string;
  /** The app's registrations: orchestrations and activities are looked up by name. */
  readonly registry: FunctionRegistry;
  /** host.json `maxConcurrentActivityFunctions`. @default 10 */
  readonly maxConcurrentActivityFunctions?: number;
  /** host.json `maxConcurrentOrchestratorFunctions`. @default 10 */
  readonly maxConcurrentOrchestratorFunctions?: number;
  /** Time source for timers, leases and timestamps. @default - the real clock */
  readonly clock?: Clock;
  /**
   * Real milliseconds between scans of the hub for work this engine does not know of (another engine's,
   * or work left for lack of a free slot); local writes wake it at once. @default 250
   */
  readonly pollIntervalMs?: number;
  /**
   * When the engine notices a durable timer (a message that becomes visible later):
   * - `"fixed"`: at the next scan of the hub, every `pollIntervalMs` (tests that are not about timing);
   * - {@link QueuePollingSettings}: when the Azure Storage backend would, polling each control queue with
   *   its randomized exponential back-off up to `maxQueuePollingInterval` (`queue-polling.ts`), so a
   *   timer is noticed as late as on Azure.
   * Messages visible at once (activity results, sub-orchestration ends, raised events, starts) are
   * processed at once either way, as the backend's local sends wake its pollers. @default "fixed"
   */
  readonly queuePolling?: "fixed" | QueuePollingSettings;
  /** Random numbers in [0, 1) for the polling model's back-off. @default Math.random */
  readonly random?: () => number;
  /** Real milliseconds a lease on an instance or activity lasts without renewal. @default 30000 */
  readonly leaseMs?: number;
  /** Identifies this engine in leases. @default - host name, process id and a random suffix */
  readonly workerId?: string;
  /** Writes activities' output bindings. @default a StorageOutputBindings on process.env, base64 messages */
  readonly outputs?: OutputBindingWriter;
  /** Where engine diagnostics go. @default - console.error for errors and warnings, nothing else */
  readonly log?: (level: "info" | "warning" | "error", message: string) => void;
}

const DEFAULT_STOP_GRACE_MS = 30_000;

const defaultLog = (level: "info" | "warning" | "error", message: string) => {
  if (level !== "info") console.error(`[durable ${level}] ${message}`);
};

/** A durable timer this engine wrote, waiting for the poll of its control queue that notices it. */
interface PendingTimer {
  readonly instanceId: string;
  /** Clock ms. */
  readonly visibleAtMs: number;
}

/** The Azure Storage backend's polling, modelled: one poller per control queue and the timers in each. */
interface PollingModel {
  readonly pollers: readonly QueuePoller[];
  /** Timers by control queue, keyed `<instance id>\u0000<row key>`. */
  readonly pending: readonly Map<string, PendingTimer>[];
  /** The real timer of each queue's next poll that finds a timer due. */
  readonly timers: (NodeJS.Timeout | undefined)[];
  /** `maxQueuePollingInterval`, clock ms; taken as real ms, also the longest wait between scans of an idle hub. */
  readonly maxIntervalMs: number;
}

const pendingKey = (instanceId: string, rowKey: string) => `${instanceId}\u0000${rowKey}`;

/** {@link DurableEngine} over one Azure Table per task hub. */
export class AzureStorageDurableEngine implements DurableEngine {
  readonly #ctx: EngineContext;
  readonly #model: PollingModel | undefined;
  readonly #maxActivities: number;
  readonly #maxOrchestrations: number;
  readonly #pollIntervalMs: number;
  /** The current wait between scans of an idle hub (see `#nextScanWaitMs`), real ms. */
  #idleScanWaitMs = 0;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #activeInstances = new Set<string>();
  readonly #activeActivities = new Set<string>();
  readonly #activeOutbox = new Set<string>();
  /** Activities waiting for a free slot, oldest first, by `<instance id>\u0000<row key>`. */
  readonly #waitingActivities = new Map<string, Extract<WorkItem, { kind: "activity" }>>();
  /** Instances that got new messages while being processed. */
  readonly #again = new Set<string>();
  /** Instances over the concurrency limit with activity results handed to them, oldest first. */
  readonly #waitingForSlot = new Set<string>();
  #running = false;
  #abandoned = false;
  #loop: Promise<void> | undefined;
  #wakeUp: (() => void) | undefined;
  #wokenEarly = false;

  constructor(options: DurableEngineOptions) {
    const clock = options.clock ?? realClock;
    const store = new HubStore(options.connectionString, options.taskHubName);
    this.#maxActivities = options.maxConcurrentActivityFunctions ?? 10;
    this.#maxOrchestrations = options.maxConcurrentOrchestratorFunctions ?? 10;
    this.#pollIntervalMs = options.pollIntervalMs ?? 250;
    const polling = options.queuePolling ?? "fixed";
    if (polling !== "fixed") {
      const queues = Math.max(1, polling.partitionCount);
      this.#model = {
        pollers: Array.from({ length: queues }, () => new QueuePoller(polling, clock.now(), options.random)),
        pending: Array.from({ length: queues }, () => new Map<string, PendingTimer>()),
        timers: Array.from({ length: queues }, () => undefined),
        maxIntervalMs: polling.maxIntervalMs,
      };
    }
    this.#ctx = {
      store,
      registry: options.registry,
      clock,
      workerId: options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      leaseClockMs: (options.leaseMs ?? 30_000) * clock.factor,
      history: new HistoryCache(store),
      heads: new InstanceHeadCache(),
      inbox: new InboxCache(),
      handed: new HandedResults(),
      outputs: options.outputs ?? new StorageOutputBindings(),
      stats: { episodes: 0, activities: 0, handedResults: 0 },
      log: options.log ?? defaultLog,
      wake: (instanceId) => {
        if (!instanceId) return this.#wake();
        this.#signal(instanceId);
        this.#processSoon(instanceId);
      },
      sent: (instanceId, rowKey, visibleAtMs) => this.#sent(instanceId, rowKey, visibleAtMs),
      assertAlive: () => {
        if (this.#abandoned) throw new EngineStoppedError();
      },
      isStopping: () => !this.#running,
    };
  }

  /** Episodes and activities run by this engine so far, and its requests to the task hub's table. */
  get stats(): EngineReport {
    return { ...this.#ctx.stats, tableRequests: { ...this.#ctx.store.table.requestCounts } };
  }

  async start(): Promise<void> {
    if (this.#running) return;
    await this.#ctx.store.createIfMissing();
    this.#running = true;
    this.#abandoned = false;
    this.#loop = this.#runLoop();
  }

  /**
   * Stops polling and starting work, waits up to `graceMs` (real ms) for the work in flight, then
   * abandons the rest: from then on this engine writes nothing. Work decided meanwhile (activities,
   * deliveries) stays in storage for the next engine; none is started behind the caller's back, so
   * storage may be stopped as soon as this resolves.
   */
  async stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    this.#running = false;
    for (const timer of this.#model?.timers ?? []) clearTimeout(timer);
    this.#wake();
    await this.#loop;
    const deadline = Date.now() + graceMs;
    // Until the set is empty: whatever settling work tracks on its way out is waited for too.
    while (this.#inFlight.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.#inFlight]),
        new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now()))),
      ]);
      clearTimeout(timer);
    }
    // The leases kept between episodes and on activities not started go back, so another engine need
    // not wait for them to run out.
    const waiting = [...this.#waitingActivities.values()];
    this.#waitingActivities.clear();
    // Results handed to instances no episode took up go to storage, for the next engine to find.
    await Promise.all(
      this.#ctx.handed.instances().map((instanceId) =>
        writeHandedResults(this.#ctx, instanceId).catch((error: unknown) => {
          this.#ctx.log("warning", `results for ${instanceId} not written at stop: ${String(error)}`);
        }),
      ),
    );
    await Promise.all([
      releaseHeldLeases(this.#ctx, this.#activeInstances),
      releaseActivities(this.#ctx, waiting),
    ]);
    // Work still running past the grace period must not write: a new engine may already own it.
    this.#abandoned = true;
  }

  async startNew(
    orchestrationName: string,
    options: { instanceId?: string; input?: unknown } = {},
  ): Promise<string> {
    if (!findFunction(this.#ctx.registry, orchestrationName, "orchestrationTrigger")) {
      throw durableEngineError(
        "invalid-request",
        `The function '${orchestrationName}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
    }
    const instanceId = options.instanceId ?? randomUUID().replace(/-/g, "");
    if (!instanceId || instanceId.length > 256) {
      throw durableEngineError("invalid-request", "An instance ID must be 1 to 256 characters long");
    }
    await createInstance(this.#ctx, { instanceId, name: orchestrationName, input: options.input });
    return instanceId;
  }

  async getStatus(instanceId: string, options: StatusOptions = {}): Promise<InstanceStatus | undefined> {
    const held = this.#heldStatus(instanceId, options);
    if (held) return held;
    const stored = await this.#ctx.store.getInstance(instanceId, { withInput: options.showInput !== false });
    if (!stored) return undefined;
    const history = options.showHistory ? await this.#ctx.history.get(stored.record) : undefined;
    return toInstanceStatus(stored.record, options, history, this.#ctx.clock.toWallMs);
  }

  /**
   * The status of an instance this engine holds, from its own last write of the row, with no request:
   * while the engine's lease lasts no one else writes the row (a client's terminate, suspend or event is
   * a message that this engine's next checkpoint acts on). Only without input or history, which the
   * engine does not keep; a client following a build reads this way every second or so.
   */
  #heldStatus(instanceId: string, options: StatusOptions): InstanceStatus | undefined {
    if (options.showInput !== false || options.showHistory) return undefined;
    const known = this.#ctx.heads.get(instanceId);
    if (!known?.values) return undefined;
    const lease = { owner: known.head.leaseOwner, untilMs: known.head.leaseUntilMs };
    if (!ownLeaseLasts(this.#ctx, lease, this.#ctx.clock.now())) return undefined;
    const record = { ...known.head, input: undefined, ...known.values };
    return toInstanceStatus(record, options, undefined, this.#ctx.clock.toWallMs);
  }

  async listInstances(
    query: InstanceQuery,
  ): Promise<{ instances: InstanceStatus[]; continuationToken?: string }> {
    const clauses = [odata`RowKey eq ${"i"}`];
    // Callers name wall-clock times; rows hold clock times.
    const { fromWallMs, toWallMs } = this.#ctx.clock;
    if (query.createdTimeFrom)
      clauses.push(
        odata`createdAt ge ${sortableTime(Math.floor(fromWallMs(query.createdTimeFrom.getTime())))}`,
      );
    if (query.createdTimeTo)
      clauses.push(odata`createdAt le ${sortableTime(Math.ceil(fromWallMs(query.createdTimeTo.getTime())))}`);
    if (query.runtimeStatus && query.runtimeStatus.length > 0) {
      clauses.push(
        `(${query.runtimeStatus.map((status) => odata`runtimeStatus eq ${status}`).join(" or ")})`,
      );
    }
    if (query.instanceIdPrefix) {
      const prefix = encodeKey(query.instanceIdPrefix);
      clauses.push(odata`PartitionKey ge ${prefix} and PartitionKey lt ${prefix + "\uffff"}`);
    }
    const filter = clauses.join(" and ");
    if (query.top !== undefined) {
      const page = await this.#ctx.store.pageInstances(filter, query.top, query.continuationToken);
      return {
        instances: page.records.map((r) => toInstanceStatus(r, {}, undefined, toWallMs)),
        continuationToken: page.continuationToken,
      };
    }
    const instances: InstanceStatus[] = [];
    let token = query.continuationToken;
    for (let page = 0; page < 10_000; page++) {
      const next = await this.#ctx.store.pageInstances(filter, 1000, token);
      instances.push(...next.records.map((r) => toInstanceStatus(r, {}, undefined, toWallMs)));
      token = next.continuationToken;
      if (!token) break;
    }
    return { instances };
  }

  async raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void> {
    const now = this.#ctx.clock.now();
    await this.#send(instanceId, {
      type: "event",
      event: {
        EventType: 15,
        EventId: -1,
        IsPlayed: false,
        Timestamp: new Date(now).toISOString(),
        Name: eventName,
        Input: JSON.stringify(data ?? null),
      },
    });
  }

  async terminate(instanceId: string, reason?: string): Promise<void> {
    await this.#send(instanceId, { type: "terminate", reason });
  }

  async suspend(instanceId: string, reason?: string): Promise<void> {
    await this.#send(instanceId, { type: "suspend", reason });
  }

  async resume(instanceId: string, reason?: string): Promise<void> {
    await this.#send(instanceId, { type: "resume", reason });
  }

  async rewind(instanceId: string, reason?: string): Promise<void> {
    await rewindInstance(this.#ctx, instanceId, reason);
  }

  async purge(instanceId: string): Promise<number> {
    const stored = await this.#ctx.store.getInstance(instanceId);
    if (!stored || !isTerminal(stored.record.runtimeStatus)) return 0;
    await this.#ctx.store.deletePartition(instanceId);
    forgetInstance(this.#ctx, instanceId);
    return 1;
  }

  /** Puts a message for a running instance: 404 if unknown, 410 once it has finished. */
  async #send(instanceId: string, message: OrchestrationMessage): Promise<void> {
    const stored = await this.#ctx.store.getInstance(instanceId);
    if (!stored)
      throw durableEngineError("instance-not-found", `No instance with ID '${instanceId}' was found`);
    if (isTerminal(stored.record.runtimeStatus)) {
      throw durableEngineError(
        "instance-not-running",
        `The instance '${instanceId}' is ${stored.record.runtimeStatus} and takes no more messages`,
      );
    }
    const now = this.#ctx.clock.now();
    const item = externalMessage(instanceId, message, now, randomUUID().slice(0, 8));
    await this.#ctx.store.putWork(item);
    this.#ctx.inbox.written(item);
    this.#ctx.wake(instanceId);
  }

  #wake(): void {
    this.#wokenEarly = true;
    this.#idleScanWaitMs = this.#pollIntervalMs;
    this.#wakeUp?.();
  }

  async #runLoop(): Promise<void> {
    while (this.#running) {
      this.#wokenEarly = false;
      let found = 1;
      try {
        found = await this.#pollOnce();
      } catch (error) {
        this.#ctx.log("error", `poll failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!this.#running) break;
      if (this.#wokenEarly) continue;
      const waitMs = this.#nextScanWaitMs(found);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.#wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wakeUp = undefined;
    }
  }

  /** A local send to `instanceId`'s control queue wakes that queue's poller (polling model only). */
  #signal(instanceId: string): void {
    const model = this.#model;
    if (!model) return;
    const queue = partitionOf(instanceId, model.pollers.length);
    model.pollers[queue]?.signal(this.#ctx.clock.now());
    this.#scheduleNotice(queue);
  }

  #sent(instanceId: string, rowKey: string, visibleAtMs: number): void {
    const model = this.#model;
    if (!model) return;
    if (visibleAtMs > this.#ctx.clock.now()) {
      const queue = partitionOf(instanceId, model.pollers.length);
      model.pending[queue]?.set(pendingKey(instanceId, rowKey), { instanceId, visibleAtMs });
    }
    this.#signal(instanceId);
  }

  /** Sets the real timer for the poll of `queue` that first finds one of its timers due. */
  #scheduleNotice(queue: number): void {
    const model = this.#model;
    if (!model || !this.#running) return;
    clearTimeout(model.timers[queue]);
    model.timers[queue] = undefined;
    const pending = model.pending[queue];
    const poller = model.pollers[queue];
    if (!pending || !poller || pending.size === 0) return;
    let dueMs = Infinity;
    for (const timer of pending.values()) dueMs = Math.min(dueMs, timer.visibleAtMs);
    const { clock } = this.#ctx;
    poller.prune(clock.now());
    const pollAtMs = poller.firstPollAtOrAfter(dueMs);
    const timer = setTimeout(() => this.#notice(queue), Math.max(0, clock.toWallMs(pollAtMs) - Date.now()));
    timer.unref();
    model.timers[queue] = timer;
  }

  /** A poll of `queue`: every timer of it now due is taken, which resets its poller. */
  #notice(queue: number): void {
    const model = this.#model;
    if (!model || !this.#running) return;
    model.timers[queue] = undefined;
    const pending = model.pending[queue];
    if (!pending) return;
    const now = this.#ctx.clock.now();
    const due = new Set<string>();
    for (const [key, timer] of pending) {
      if (timer.visibleAtMs > now) continue;
      pending.delete(key);
      due.add(timer.instanceId);
    }
    if (due.size > 0) model.pollers[queue]?.found(now);
    for (const instanceId of due) this.#processSoon(instanceId);
    this.#scheduleNotice(queue);
  }

  /** Whether the polling model holds this timer for a later poll of its control queue. */
  #heldForPoll(instanceId: string, rowKey: string): boolean {
    const model = this.#model;
    if (!model) return false;
    const queue = partitionOf(instanceId, model.pollers.length);
    return model.pending[queue]?.has(pendingKey(instanceId, rowKey)) ?? false;
  }

  /** One scan of the hub; returns how many work items it found to act on. */
  async #pollOnce(): Promise<number> {
    // Oldest first, as the backend's queues deliver: the table answers in partition (instance id) order,
    // and taking work in that order while over capacity would starve the instances that sort last.
    const items = (await this.#ctx.store.listVisibleWork(this.#ctx.clock.now())).sort(
      (a, b) => a.visibleAtMs - b.visibleAtMs,
    );
    const instances = new Set<string>();
    let found = 0;
    for (const item of items) {
      // This engine's own timers wait for their queue's poll; a scan takes only what the model does not hold.
      if (item.kind === "message" && this.#heldForPoll(item.instanceId, item.rowKey)) continue;
      // Work this engine is already doing (a message its running episode consumes, an activity it runs)
      // is nothing new: only new work keeps the scans frequent, as only a poll that dequeues a message
      // resets the backend's back-off.
      if (!this.#isInHand(item)) found += 1;
      if (item.kind === "message") {
        this.#ctx.inbox.seen(item.instanceId, item.rowKey);
        instances.add(item.instanceId);
      } else if (item.kind === "activity") this.#maybeRunActivity(item);
      else this.#maybeDispatch(item.instanceId, item.rowKey, item.outbox);
    }
    for (const instanceId of instances) this.#processSoon(instanceId);
    return found;
  }

  /** Whether this engine is processing the item's instance, running the activity or delivering the row. */
  #isInHand(item: WorkItem): boolean {
    if (item.kind === "message") return this.#activeInstances.has(item.instanceId);
    const key = `${item.instanceId}\u0000${item.rowKey}`;
    if (item.kind === "outbox") return this.#activeOutbox.has(key);
    return this.#activeActivities.has(key) || this.#ctx.handed.holds(item.instanceId, item.rowKey);
  }

  /**
   * Real milliseconds to the next scan. Under the polling model an idle hub is scanned as the backend
   * polls an idle queue: the wait doubles after each scan that finds nothing new, up to
   * `maxQueuePollingInterval`, and any find or local write starts it over; so a build at Azure's own
   * pace (clock factor 1) is not scanned every `pollIntervalMs` for minutes.
   *
   * The longest wait is real time, like the queue triggers' `maxPollingInterval`, not durable-clock
   * time: this engine's own timers are noticed by the model above, whatever the clock, so the scan is
   * only for work another engine wrote or left (its expired leases), and on a fast clock measuring it
   * in clock time would multiply its cost by the clock factor for no work.
   */
  #nextScanWaitMs(found: number): number {
    const model = this.#model;
    if (!model || found > 0) return (this.#idleScanWaitMs = this.#pollIntervalMs);
    const longestMs = Math.max(this.#pollIntervalMs, model.maxIntervalMs);
    this.#idleScanWaitMs = Math.min(longestMs, Math.max(this.#pollIntervalMs, this.#idleScanWaitMs * 2));
    return this.#idleScanWaitMs;
  }

  /** Processes an instance now if there is capacity; once more after the current run if it is busy. */
  #processSoon(instanceId: string): void {
    if (!this.#running) return;
    if (this.#activeInstances.has(instanceId)) {
      this.#again.add(instanceId);
      return;
    }
    // Over capacity: the next poll finds the instance's messages again (the scan keeps its short
    // interval while it finds work); results handed to it in memory, which no scan finds, wait for a slot.
    if (this.#activeInstances.size >= this.#maxOrchestrations) {
      if (this.#ctx.handed.hasResultsFor(instanceId)) this.#waitingForSlot.add(instanceId);
      return;
    }
    this.#waitingForSlot.delete(instanceId);
    this.#activeInstances.add(instanceId);
    this.#track(
      processInstance(this.#ctx, instanceId)
        .then((decided) => {
          for (const item of decided.outbox) {
            if (item.kind === "outbox") this.#maybeDispatch(item.instanceId, item.rowKey, item.outbox);
          }
          // Activities beyond the concurrency limit wait for a poll.
          for (const item of decided.activities) this.#maybeRunActivity(item);
        })
        .finally(() => {
          this.#activeInstances.delete(instanceId);
          if (this.#again.delete(instanceId)) this.#processSoon(instanceId);
          const waiting = this.#waitingForSlot.values().next();
          if (!waiting.done) this.#processSoon(waiting.value);
        }),
      `instance ${instanceId}`,
    );
  }

  #maybeRunActivity(item: Extract<WorkItem, { kind: "activity" }>): void {
    const key = `${item.instanceId}\u0000${item.rowKey}`;
    // Run, or finished with its result on the way to its instance's next checkpoint.
    if (this.#activeActivities.has(key) || this.#ctx.handed.holds(item.instanceId, item.rowKey)) return;
    if (!this.#running) {
      // Once stopping, new work stays in storage for the next engine; what this engine leased to itself
      // is given back when the work in flight has settled.
      if (item.leaseOwner === this.#ctx.workerId) this.#waitingActivities.set(key, item);
      return;
    }
    if (this.#activeActivities.size >= this.#maxActivities) {
      // Kept in memory for the next free slot: rows this engine leased to itself are not visible to scans.
      if (!this.#waitingActivities.has(key)) this.#waitingActivities.set(key, item);
      return;
    }
    this.#waitingActivities.delete(key);
    this.#activeActivities.add(key);
    this.#track(
      runActivity(this.#ctx, item).finally(() => {
        this.#activeActivities.delete(key);
        // A slot is free: the activity waiting longest takes it.
        const next = this.#waitingActivities.values().next();
        if (!next.done) this.#maybeRunActivity(next.value);
      }),
      `activity ${item.activity.name}`,
    );
  }

  #maybeDispatch(
    instanceId: string,
    rowKey: string,
    outbox: Extract<WorkItem, { kind: "outbox" }>["outbox"],
  ): void {
    const key = `${instanceId}\u0000${rowKey}`;
    // Once stopping, the row stays for the next engine: a delivery begun now would outlive stop().
    if (!this.#running || this.#activeOutbox.has(key)) return;
    this.#activeOutbox.add(key);
    this.#track(
      dispatchOutbox(this.#ctx, instanceId, rowKey, outbox).finally(() => this.#activeOutbox.delete(key)),
      `delivery from ${instanceId}`,
    );
  }

  #track(work: Promise<unknown>, what: string): void {
    const tracked = work.catch((error: unknown) => {
      if (isEngineStoppedError(error)) return;
      const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
      // Work abandoned at stop fails as its storage goes away (ECONNREFUSED); it recorded nothing, and
      // the next engine redoes it from the last checkpoint, so that is no error of the app's.
      if (this.#abandoned) this.#ctx.log("info", `after stop, abandoned ${message}`);
      else this.#ctx.log("error", message);
    });
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
  }
}
