/**
 * An in-memory Durable Functions host with a virtual clock, for fast orchestration specs.
 *
 * It drives the real `durable-functions` 3.x replay machinery the way the Functions host does: for every
 * new event, the orchestrator's registered handler (the library's `Orchestrator` wrapper, see
 * `registrations.ts`) gets the instance's whole history and replays the generator from the start; the
 * actions it returns are turned into history events and work, as the Durable Task framework does for
 * out-of-process orchestrators. Nothing of `context.df` is faked.
 *
 * What runs where:
 * - activities are answered by the test's {@link ActivityScript}, at the virtual instant they are
 *   scheduled (they take no virtual time);
 * - sub-orchestrations run in this same driver, as instances of their own;
 * - durable timers fire when the virtual clock reaches them: the clock jumps to the earliest pending
 *   delivery whenever nothing is due now, so a 20-minute Azure operation costs microseconds. Cancelled
 *   timers never fire (on Azure their message still arrives, and the library ignores it).
 *
 * What fails a test with a {@link DriverError} instead of becoming the orchestration's outcome:
 * - an action sent twice for the same task (durable-functions #574: re-yielding a scheduled task inside a
 *   new `Task.any`/`Task.all` makes the library send its action again, and the host launches it twice);
 * - non-determinism: a replay whose actions differ from what earlier episodes scheduled (kind, name,
 *   instance id and timer instant on every replay, the input on the first replay after scheduling;
 *   Azure checks kind and name only);
 * - a yielded value that is not a durable task (the library's "programming constraint violation").
 */
import { InvocationContext } from "@azure/functions";
import { orchestrationHandler, type HostOrchestrationHandler } from "./registrations";

/** A bug in the orchestration under test that Azure would not report as its outcome, or a misuse of the driver. */
export class DriverError extends Error {
  override readonly name = "DriverError";
}

/** One activity call, as the test's script sees it. */
export interface ActivityCall {
  /** The orchestration instance that called. */
  readonly instanceId: string;
  readonly name: string;
  /** The input as the activity receives it (through JSON, as on the wire). */
  readonly input: unknown;
  /** 1 for this instance's first call of this activity with this same input, 2 for the next, … */
  readonly attempt: number;
  /** Virtual time of the call, epoch milliseconds. */
  readonly nowMs: number;
}

/**
 * Answers activity calls: returns the activity's result, or throws as a broken activity would (the
 * orchestration then sees a faulted task, as on Azure).
 */
export type ActivityScript = (call: ActivityCall) => unknown;

/** An activity call as recorded, with what the script answered. */
export interface RecordedActivityCall extends ActivityCall {
  readonly taskId: number;
  readonly result?: unknown;
  /** The message of what the script threw, when it threw. */
  readonly threw?: string;
}

/** A durable timer and what became of it. */
export interface TimerRecord {
  readonly instanceId: string;
  readonly taskId: number;
  readonly createdAtMs: number;
  readonly fireAtMs: number;
  /**
   * `abandoned`: its instance ended (completed, failed, terminated) while it was pending, neither fired
   * nor cancelled. The library's docs warn that such a timer can hold an instance's completion until it
   * fires; the driver ends the instance anyway and reports the timer, for specs to refuse.
   */
  state: "pending" | "fired" | "cancelled" | "abandoned";
  /** When it fired, was cancelled or abandoned. */
  endedAtMs?: number;
}

/** A sub-orchestration start. */
export interface SubOrchestrationStart {
  readonly parentInstanceId: string;
  readonly instanceId: string;
  readonly name: string;
  readonly atMs: number;
}

/** A line an orchestrator logged through its context. */
export interface LogLine {
  readonly instanceId: string;
  readonly level: string;
  readonly message: string;
  readonly atMs: number;
}

/** Runtime status, as Azure names it. */
export type RuntimeStatus = "Running" | "Completed" | "Failed" | "Terminated";

/** One orchestration instance: its outcome and what a status query would have shown over time. */
export interface InstanceRecord {
  readonly instanceId: string;
  readonly name: string;
  readonly input: unknown;
  readonly parentInstanceId?: string;
  readonly createdAtMs: number;
  readonly status: RuntimeStatus;
  readonly endedAtMs?: number;
  /** What the orchestrator returned (through JSON), when Completed. */
  readonly output?: unknown;
  /** The message of what the orchestrator threw, when Failed. */
  readonly error?: string;
  /**
   * The custom status after each episode that changed it. The host records one value per episode (the
   * last `setCustomStatus` of that replay); that is all a status query can ever see.
   */
  readonly customStatuses: readonly { readonly atMs: number; readonly value: unknown }[];
  /** Episodes run (one per delivered event). */
  readonly episodes: number;
  /** The history as the host holds it (PascalCase events). */
  readonly history: readonly HistoryEvent[];
}

/** A history event (the fields this driver writes). */
export interface HistoryEvent {
  readonly EventType: number;
  readonly EventId: number;
  readonly IsPlayed: boolean;
  readonly Timestamp: string;
  readonly [field: string]: unknown;
}

/**
 * A history event as stored between episodes. The same objects are handed to every episode: the
 * library only turns `Timestamp` into a `Date` in place (once; the same Date it would make from the
 * string) and reads the rest, so copying the whole history for every replay would only cost time.
 */
interface StoredEvent {
  readonly EventType: number;
  readonly EventId: number;
  IsPlayed: boolean;
  Timestamp: string | Date;
  readonly [field: string]: unknown;
}

/** Options of a {@link DurableDriver}. */
export interface DriverOptions {
  readonly activities: ActivityScript;
  /** Virtual time of the first episode. @default 2025-01-01T00:00:00Z */
  readonly startMs?: number;
  /** A guard against an orchestration that never ends. @default 200000 */
  readonly maxEpisodes?: number;
}

// The library's numbers (`HistoryEventType`, `ActionType`).
const EVENT = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionTerminated: 2,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
} as const;
const ACTION = {
  CallActivity: 0,
  CallSubOrchestrator: 2,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
} as const;

/** Timers longer than this are split by the library into chained timers (not modelled here). */
const MAXIMUM_SHORT_TIMER_MS = 6 * 24 * 3600_000;

/** An action as the library returns it: raw objects when the episode returned, JSON when it threw. */
interface Action {
  readonly actionType: number;
  readonly functionName?: string;
  readonly instanceId?: string;
  readonly input?: unknown;
  readonly fireAt?: Date | string;
  readonly isCanceled?: boolean;
  readonly compoundActions?: readonly Action[];
}

interface EpisodeState {
  readonly isDone?: boolean;
  readonly actions?: readonly (readonly Action[])[];
  readonly output?: unknown;
  readonly error?: string;
  readonly customStatus?: unknown;
}

interface Instance {
  readonly instanceId: string;
  readonly name: string;
  readonly handler: HostOrchestrationHandler;
  readonly inputJson: string;
  readonly parent?: { readonly instanceId: string; readonly taskId: number };
  readonly createdAtMs: number;
  status: RuntimeStatus;
  endedAtMs?: number;
  output?: unknown;
  error?: string;
  readonly customStatuses: { atMs: number; value: unknown }[];
  lastCustomStatusJson?: string;
  episodes: number;
  readonly history: StoredEvent[];
  /** Each id-consuming action scheduled so far, by task id: what replays must reproduce. */
  readonly scheduled: Scheduled[];
  /** Tasks below this id had their inputs compared on a replay already (see `#checkDeterminism`). */
  inputsCheckedBelow: number;
  /** Events below this index belong to earlier episodes (`IsPlayed`). */
  playedUpTo: number;
  readonly timersById: Map<number, TimerRecord>;
  readonly callCounts: Map<string, number>;
}

/** What every replay must reproduce for one task id. */
interface Scheduled {
  readonly actionType: number;
  readonly functionName: string | undefined;
  readonly instanceId: string | undefined;
  readonly fireAtMs: number | undefined;
  readonly input: string;
}

type Delivery =
  | { readonly atMs: number; readonly seq: number; readonly instanceId: string; readonly event: StoredEvent }
  | { readonly atMs: number; readonly seq: number; readonly instanceId: string; readonly terminate: string };

const OUT_OF_PROC_DATA = "$OutOfProcData$:";
const CONSTRAINT_VIOLATION = "Durable Functions programming constraint violation";

/**
 * The in-memory host. One driver per scenario: {@link DurableDriver.run} starts an orchestration and
 * runs every instance until nothing is left to deliver.
 */
export class DurableDriver {
  /** Every activity call, in the order they were made. */
  readonly activityCalls: RecordedActivityCall[] = [];
  /** Every durable timer any instance created. */
  readonly timers: TimerRecord[] = [];
  /** Every sub-orchestration start, in order. */
  readonly subOrchestrationStarts: SubOrchestrationStart[] = [];
  /** What the orchestrators logged (only outside replay, if they check `isReplaying`). */
  readonly logs: LogLine[] = [];
  /** Events that arrived for an instance that had already ended (dropped, as on Azure). */
  droppedDeliveries = 0;

  #nowMs: number;
  readonly #script: ActivityScript;
  readonly #maxEpisodes: number;
  readonly #instances = new Map<string, Instance>();
  #queue: Delivery[] = [];
  #seq = 0;
  #episodes = 0;

  constructor(options: DriverOptions) {
    this.#script = options.activities;
    this.#nowMs = options.startMs ?? Date.UTC(2025, 0, 1);
    this.#maxEpisodes = options.maxEpisodes ?? 200_000;
  }

  /** The virtual clock, epoch milliseconds. */
  get nowMs(): number {
    return this.#nowMs;
  }

  /** The instance with id `instanceId` (its latest run). */
  instance(instanceId: string): InstanceRecord {
    const instance = this.#instances.get(instanceId);
    if (!instance) throw new DriverError(`no instance ${instanceId}`);
    return view(instance);
  }

  /** Every instance, in creation order. */
  instances(): InstanceRecord[] {
    return [...this.#instances.values()].map(view);
  }

  /**
   * Terminates `instanceId` at virtual time `atMs`, as the management API does: no more of its code
   * runs, its timers are abandoned, and the sub-orchestrations it started keep running (Azure does not
   * propagate termination). Only top-level instances: how a parent hears of a terminated child is not
   * modelled.
   */
  terminateAt(instanceId: string, atMs: number, reason: string): void {
    this.#enqueue({ atMs, seq: this.#seq++, instanceId, terminate: reason });
  }

  /**
   * Starts orchestration `name` with `input` and runs until no instance has anything left to receive.
   * @returns the started instance
   */
  async run(name: string, input: unknown, instanceId = `${name}-1`): Promise<InstanceRecord> {
    this.#start(name, input, instanceId, undefined);
    while (this.#queue.length > 0) {
      const delivery = this.#queue.shift() as Delivery;
      // The clock never goes back: work due "in the past" (a timer set for before now) happens now.
      this.#nowMs = Math.max(this.#nowMs, delivery.atMs);
      const instance = this.#instances.get(delivery.instanceId);
      if (!instance || instance.status !== "Running") {
        this.droppedDeliveries++;
        continue;
      }
      if ("terminate" in delivery) {
        this.#terminate(instance, delivery.terminate);
        continue;
      }
      const timer =
        delivery.event.EventType === EVENT.TimerFired
          ? instance.timersById.get(delivery.event.TimerId as number)
          : undefined;
      if (timer) {
        timer.state = "fired";
        timer.endedAtMs = this.#nowMs;
      }
      await this.#episode(instance, delivery.event);
    }
    return this.instance(instanceId);
  }

  #start(name: string, input: unknown, instanceId: string, parent: Instance["parent"]): void {
    const handler = orchestrationHandler(name);
    if (!handler) throw new DriverError(`no orchestration named "${name}" is registered`);
    const existing = this.#instances.get(instanceId);
    if (existing?.status === "Running") {
      throw new DriverError(`instance ${instanceId} started while a run of it is still running`);
    }
    const inputJson = JSON.stringify(input ?? null);
    // Re-inserted so iteration order is creation order.
    this.#instances.delete(instanceId);
    this.#instances.set(instanceId, {
      instanceId,
      name,
      handler,
      inputJson,
      ...(parent ? { parent } : {}),
      createdAtMs: this.#nowMs,
      status: "Running",
      customStatuses: [],
      episodes: 0,
      history: [],
      scheduled: [],
      inputsCheckedBelow: 0,
      playedUpTo: 0,
      timersById: new Map(),
      callCounts: new Map(),
    });
    this.#deliver(
      instanceId,
      this.#nowMs,
      this.#event(EVENT.ExecutionStarted, {
        Name: name,
        Input: inputJson,
        OrchestrationInstance: { InstanceId: instanceId },
        ...(parent ? { ParentInstance: { OrchestrationInstance: { InstanceId: parent.instanceId } } } : {}),
      }),
    );
  }

  /** One episode: the history so far plus `OrchestratorStarted` and `event`, replayed from the start. */
  async #episode(instance: Instance, event: StoredEvent): Promise<void> {
    if (++this.#episodes > this.#maxEpisodes) {
      throw new DriverError(`more than ${this.#maxEpisodes} episodes: does ${instance.name} ever end?`);
    }
    instance.episodes++;
    // Events of earlier episodes are played; the new ones are not.
    for (let index = instance.playedUpTo; index < instance.history.length; index++) {
      (instance.history[index] as StoredEvent).IsPlayed = true;
    }
    instance.playedUpTo = instance.history.length;
    instance.history.push(this.#event(EVENT.OrchestratorStarted), { ...event, Timestamp: this.#timestamp() });
    const payload = {
      // The library reads the array and never changes it.
      history: instance.history,
      input: JSON.parse(instance.inputJson) as unknown,
      instanceId: instance.instanceId,
      isReplaying: false,
      parentInstanceId: instance.parent?.instanceId ?? null,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      longRunningTimerIntervalDuration: "3.00:00:00",
      maximumShortTimerDuration: "6.00:00:00",
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    };
    // A fresh context every time: the library caches `context.df` on it.
    const context = new InvocationContext({
      invocationId: `${instance.instanceId}#${instance.episodes}`,
      functionName: instance.name,
      logHandler: (level, ...args) =>
        this.logs.push({
          instanceId: instance.instanceId,
          level,
          message: args.map(String).join(" "),
          atMs: this.#nowMs,
        }),
    });
    let state: EpisodeState;
    let raw = true;
    try {
      state = (await instance.handler(payload, context)) as EpisodeState;
    } catch (error) {
      state = thrownState(error);
      raw = false;
    }
    if (state.error?.startsWith(CONSTRAINT_VIOLATION)) {
      throw new DriverError(`${instance.name} (${instance.instanceId}): ${state.error}`);
    }
    const actions = idConsumingActions(state.actions?.[0] ?? []);
    // Identity is only known for raw actions; a throwing episode's actions are discarded by the host anyway.
    if (raw) checkEachActionSentOnce(instance, actions);
    this.#checkDeterminism(instance, actions);
    this.#applyCancellations(instance, actions);
    this.#recordCustomStatus(instance, state.customStatus);

    if (state.error !== undefined) {
      this.#end(instance, "Failed", { error: state.error });
    } else if (state.isDone) {
      this.#end(instance, "Completed", { output: JSON.parse(JSON.stringify(state.output ?? null)) });
    } else {
      for (let taskId = instance.scheduled.length; taskId < actions.length; taskId++) {
        this.#schedule(instance, taskId, actions[taskId] as Action);
      }
      instance.history.push(this.#event(EVENT.OrchestratorCompleted));
    }
  }

  /**
   * Every replay must reproduce every scheduled task's kind, function, instance id and timer instant.
   * Inputs are compared on the first replay after a task was scheduled: a value that changes between
   * replays (a clock read, a random id, module state) differs there already, and comparing every input
   * on every replay would make long histories quadratic in JSON.
   */
  #checkDeterminism(instance: Instance, actions: readonly Action[]): void {
    const { scheduled } = instance;
    for (let taskId = 0; taskId < scheduled.length; taskId++) {
      const was = scheduled[taskId] as Scheduled;
      const now = actions[taskId];
      const same =
        now !== undefined &&
        now.actionType === was.actionType &&
        now.functionName === was.functionName &&
        (now.instanceId || undefined) === was.instanceId &&
        fireAtMsOf(now) === was.fireAtMs &&
        (taskId < instance.inputsCheckedBelow || inputJsonOf(now) === was.input);
      if (!same) {
        throw new DriverError(
          `non-deterministic orchestration ${instance.name} (${instance.instanceId}): task ${taskId} was ` +
            `scheduled as ${describe(was)}, the replay produced ${now ? describe(scheduledOf(now)) : "nothing"}`,
        );
      }
    }
    instance.inputsCheckedBelow = instance.scheduled.length;
  }

  #applyCancellations(instance: Instance, actions: readonly Action[]): void {
    actions.forEach((action, taskId) => {
      const timer = instance.timersById.get(taskId);
      if (action.actionType !== ACTION.CreateTimer || !action.isCanceled || timer?.state !== "pending")
        return;
      timer.state = "cancelled";
      timer.endedAtMs = this.#nowMs;
      this.#queue = this.#queue.filter(
        (d) => !(d.instanceId === instance.instanceId && "event" in d && d.event.TimerId === taskId),
      );
    });
  }

  #recordCustomStatus(instance: Instance, value: unknown): void {
    const json = JSON.stringify(value ?? null);
    if (json === (instance.lastCustomStatusJson ?? "null")) return;
    instance.lastCustomStatusJson = json;
    instance.customStatuses.push({ atMs: this.#nowMs, value: JSON.parse(json) });
  }

  /** Turns one new action into its scheduling event and its work (the answer, the child, the timer). */
  #schedule(instance: Instance, taskId: number, action: Action): void {
    const scheduled = scheduledOf(action);
    const inputJson = scheduled.input;
    instance.scheduled.push(scheduled);
    switch (action.actionType) {
      case ACTION.CallActivity: {
        const name = action.functionName as string;
        instance.history.push(
          this.#event(EVENT.TaskScheduled, { EventId: taskId, Name: name, Input: inputJson }),
        );
        const key = `${name}\u0000${inputJson}`;
        const attempt = (instance.callCounts.get(key) ?? 0) + 1;
        instance.callCounts.set(key, attempt);
        const call = {
          instanceId: instance.instanceId,
          name,
          input: activityInputOf(inputJson),
          attempt,
          nowMs: this.#nowMs,
        };
        try {
          const result = this.#script(call);
          this.activityCalls.push({ ...call, taskId, result });
          const resultJson = JSON.stringify(result ?? null);
          this.#deliver(
            instance.instanceId,
            this.#nowMs,
            this.#completion(EVENT.TaskCompleted, taskId, resultJson),
          );
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          this.activityCalls.push({ ...call, taskId, threw: message });
          // As the host reports a function that threw: its message, then the stack as details.
          this.#deliver(
            instance.instanceId,
            this.#nowMs,
            this.#event(EVENT.TaskFailed, {
              TaskScheduledId: taskId,
              Reason: `Activity function '${name}' failed: ${message}`,
              Details: error instanceof Error ? (error.stack ?? message) : message,
            }),
          );
        }
        return;
      }
      case ACTION.CallSubOrchestrator: {
        const name = action.functionName as string;
        // Azure makes up a GUID when no id is given; a deterministic one reads better in failures.
        const childId = action.instanceId || `${instance.instanceId}:${taskId}`;
        instance.history.push(
          this.#event(EVENT.SubOrchestrationInstanceCreated, {
            EventId: taskId,
            Name: name,
            Input: inputJson,
            InstanceId: childId,
          }),
        );
        this.subOrchestrationStarts.push({
          parentInstanceId: instance.instanceId,
          instanceId: childId,
          name,
          atMs: this.#nowMs,
        });
        this.#start(name, action.input, childId, { instanceId: instance.instanceId, taskId });
        return;
      }
      case ACTION.CreateTimer: {
        const fireAt = action.fireAt instanceof Date ? action.fireAt : new Date(String(action.fireAt));
        const fireAtMs = fireAt.getTime();
        if (fireAtMs - this.#nowMs > MAXIMUM_SHORT_TIMER_MS) {
          throw new DriverError(
            `${instance.name}: timers longer than 6 days are split by the library; not modelled`,
          );
        }
        instance.history.push(
          this.#event(EVENT.TimerCreated, { EventId: taskId, FireAt: fireAt.toISOString() }),
        );
        const timer: TimerRecord = {
          instanceId: instance.instanceId,
          taskId,
          createdAtMs: this.#nowMs,
          fireAtMs,
          state: "pending",
        };
        instance.timersById.set(taskId, timer);
        this.timers.push(timer);
        if (action.isCanceled) {
          timer.state = "cancelled";
          timer.endedAtMs = this.#nowMs;
          return;
        }
        this.#deliver(
          instance.instanceId,
          fireAtMs,
          this.#event(EVENT.TimerFired, { TimerId: taskId, FireAt: fireAt.toISOString() }),
        );
        return;
      }
      default:
        throw new DriverError(
          `${instance.name}: action type ${action.actionType} is not supported by the driver`,
        );
    }
  }

  #end(
    instance: Instance,
    status: Exclude<RuntimeStatus, "Running">,
    outcome: { output?: unknown; error?: string },
  ): void {
    instance.status = status;
    instance.endedAtMs = this.#nowMs;
    if ("output" in outcome) instance.output = outcome.output;
    if (outcome.error !== undefined) instance.error = outcome.error;
    for (const timer of instance.timersById.values()) {
      if (timer.state !== "pending") continue;
      timer.state = "abandoned";
      timer.endedAtMs = this.#nowMs;
    }
    instance.history.push(
      ...(status === "Terminated" ? [] : [this.#event(EVENT.OrchestratorCompleted)]),
      this.#event(EVENT.ExecutionCompleted, {
        OrchestrationStatus: status,
        Result:
          status === "Completed" ? JSON.stringify(outcome.output ?? null) : JSON.stringify(outcome.error),
      }),
    );
    const parent = instance.parent;
    if (!parent) return;
    this.#deliver(
      parent.instanceId,
      this.#nowMs,
      status === "Completed"
        ? this.#completion(
            EVENT.SubOrchestrationInstanceCompleted,
            parent.taskId,
            JSON.stringify(outcome.output ?? null),
          )
        : this.#event(EVENT.SubOrchestrationInstanceFailed, {
            TaskScheduledId: parent.taskId,
            Reason: `Orchestrator function '${instance.name}' failed: ${outcome.error ?? status}`,
            Details: outcome.error ?? status,
          }),
    );
  }

  #terminate(instance: Instance, reason: string): void {
    if (instance.parent) throw new DriverError("terminating a sub-orchestration is not modelled");
    instance.history.push(this.#event(EVENT.ExecutionTerminated, { Input: JSON.stringify(reason) }));
    this.#end(instance, "Terminated", { error: reason });
  }

  #deliver(instanceId: string, atMs: number, event: StoredEvent): void {
    this.#enqueue({ atMs, seq: this.#seq++, instanceId, event });
  }

  /** Keeps the queue ordered by time, then by when the work was decided (FIFO among equals). */
  #enqueue(delivery: Delivery): void {
    let index = this.#queue.length;
    while (index > 0 && (this.#queue[index - 1] as Delivery).atMs > delivery.atMs) index--;
    this.#queue.splice(index, 0, delivery);
  }

  #completion(type: number, taskId: number, resultJson: string): StoredEvent {
    return this.#event(type, { TaskScheduledId: taskId, Result: resultJson });
  }

  #event(type: number, fields: Record<string, unknown> = {}): StoredEvent {
    return { EventId: -1, IsPlayed: false, ...fields, EventType: type, Timestamp: this.#timestamp() };
  }

  #timestamp(): string {
    return new Date(this.#nowMs).toISOString();
  }
}

function view(instance: Instance): InstanceRecord {
  return {
    instanceId: instance.instanceId,
    name: instance.name,
    input: JSON.parse(instance.inputJson) as unknown,
    ...(instance.parent ? { parentInstanceId: instance.parent.instanceId } : {}),
    createdAtMs: instance.createdAtMs,
    status: instance.status,
    ...(instance.endedAtMs === undefined ? {} : { endedAtMs: instance.endedAtMs }),
    ...(instance.status === "Completed" ? { output: instance.output } : {}),
    ...(instance.error === undefined ? {} : { error: instance.error }),
    customStatuses: [...instance.customStatuses],
    episodes: instance.episodes,
    history: instance.history.map((event): HistoryEvent => ({
      ...event,
      Timestamp: event.Timestamp instanceof Date ? event.Timestamp.toISOString() : event.Timestamp,
    })),
  };
}

/**
 * The actions that consume a task id, depth-first through `Task.all`/`Task.any`, in yield order: the
 * order in which the library numbers tasks, so an action's index is its task id (external-event waits
 * and continue-as-new take none).
 */
function idConsumingActions(actions: readonly Action[]): Action[] {
  const found: Action[] = [];
  const visit = (action: Action): void => {
    if (action.compoundActions) action.compoundActions.forEach(visit);
    else if (action.actionType !== ACTION.WaitForExternalEvent && action.actionType !== ACTION.ContinueAsNew)
      found.push(action);
  };
  actions.forEach(visit);
  return found;
}

/**
 * #574: a compound task's action embeds its children's action objects, so a child already scheduled in
 * an earlier `Task.any` appears a second time, the same object, and the host would launch it again.
 */
function checkEachActionSentOnce(instance: Instance, actions: readonly Action[]): void {
  const seen = new Map<Action, number>();
  actions.forEach((action, index) => {
    const first = seen.get(action);
    if (first !== undefined) {
      throw new DriverError(
        `${instance.name} (${instance.instanceId}) sent the action of task ${first} (${describe(scheduledOf(action))}) ` +
          `again at position ${index}: a scheduled task was yielded again inside a new Task.any/Task.all ` +
          `(durable-functions #574); the host would launch it twice`,
      );
    }
    seen.set(action, index);
  });
}

/** What a replay must reproduce of `action`. */
function scheduledOf(action: Action): Scheduled {
  return {
    actionType: action.actionType,
    functionName: action.functionName,
    instanceId: action.instanceId || undefined,
    fireAtMs: fireAtMsOf(action),
    input: inputJsonOf(action),
  };
}

function fireAtMsOf(action: Action): number | undefined {
  const { fireAt } = action;
  if (fireAt === undefined) return undefined;
  return fireAt instanceof Date ? fireAt.getTime() : Date.parse(fireAt);
}

/**
 * What the activity receives. The library JSON-encodes a string input once more than other values
 * (`Utils.processInput`), and the host decodes that level before the call, so it arrives as the string.
 */
function activityInputOf(inputJson: string): unknown {
  const input = JSON.parse(inputJson) as unknown;
  return typeof input === "string" ? (JSON.parse(input) as unknown) : input;
}

/** The input as it travels: JSON. */
function inputJsonOf(action: Action): string {
  return JSON.stringify(action.input ?? null);
}

/** `activity 'ensureNode' {…}`, `timer at …`, for messages. */
function describe(task: Scheduled): string {
  const kinds = ["activity", "activity with retry", "sub-orchestration", "sub-orchestration with retry"];
  const kind = task.actionType === ACTION.CreateTimer ? "timer" : (kinds[task.actionType] ?? "action");
  return (
    `${kind}${task.functionName ? ` '${task.functionName}'` : ""}` +
    `${task.instanceId ? ` instance ${task.instanceId}` : ""}` +
    `${task.fireAtMs === undefined ? "" : ` at ${new Date(task.fireAtMs).toISOString()}`}` +
    ` ${task.input.length > 120 ? `${task.input.slice(0, 117)}...` : task.input}`
  );
}

/** The library rejects with `<message>\n\n$OutOfProcData$:<state JSON>` when the orchestrator throws. */
function thrownState(error: unknown): EpisodeState {
  const message = error instanceof Error ? error.message : String(error);
  const marker = message.indexOf(OUT_OF_PROC_DATA);
  if (marker < 0)
    throw new DriverError(`the orchestration handler failed outside the orchestrator: ${message}`);
  const state = JSON.parse(message.slice(marker + OUT_OF_PROC_DATA.length)) as EpisodeState;
  return { ...state, error: state.error ?? message.slice(0, marker).trim() };
}
