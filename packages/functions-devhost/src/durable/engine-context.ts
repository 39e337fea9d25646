import type { FunctionRegistry } from "../contracts";
import type { OutputBindingWriter } from "../output-bindings";
import type { Clock } from "./clock";
import type { HandedResults } from "./handed-results";
import type { HistoryCache } from "./history-cache";
import type { InboxCache } from "./inbox-cache";
import type { InstanceHeadCache } from "./instance-heads";
import type { HubStore } from "./store";
import type { TableRequestKind } from "./table-rest";

/** What the engine's workers share. */
export interface EngineContext {
  readonly store: HubStore;
  readonly registry: FunctionRegistry;
  readonly clock: Clock;
  /** Identifies this engine in leases. */
  readonly workerId: string;
  /** Lease length in clock milliseconds. */
  readonly leaseClockMs: number;
  readonly history: HistoryCache;
  /** Instance rows as this engine last wrote them (claims skip reading them first). */
  readonly heads: InstanceHeadCache;
  /** Instances' message rows as far as this engine knows them all (episodes skip listing them). */
  readonly inbox: InboxCache;
  /** Activity results on their way to an instance this engine holds, recorded by its next checkpoint. */
  readonly handed: HandedResults;
  /** Writes activities' output bindings after they succeed. */
  readonly outputs: OutputBindingWriter;
  /** Counters for benchmarks and diagnostics. */
  readonly stats: EngineStats;
  readonly log: (level: "info" | "warning" | "error", message: string) => void;
  /**
   * New work was written: with an instance id, a message for that instance (processed at once when
   * there is capacity); without, other work (the poll interval ends early).
   */
  wake(instanceId?: string): void;
  /**
   * A checkpoint wrote message `rowKey` for `instanceId`, visible at `visibleAtMs` (a durable timer when
   * later than now). Under the Azure Storage polling model it is a local send that wakes the instance's
   * control queue, and a timer is noticed at that queue's first poll once it is visible.
   */
  sent(instanceId: string, rowKey: string, visibleAtMs: number): void;
  /** Throws once the engine has been stopped past its grace period, so no late write lands. */
  assertAlive(): void;
  /** Whether `stop()` was called: finish the step at hand (one episode, one activity), start no other. */
  isStopping(): boolean;
}

/** What an engine has done since it was made. */
export interface EngineStats {
  /** Orchestrator episodes run (each ends in a checkpoint attempt). */
  episodes: number;
  /** Activity invocations (including ones whose result lost a race to another engine). */
  activities: number;
  /** Activity results handed to their instance in memory (recorded by its checkpoint, no write of their own). */
  handedResults: number;
}

/** What the engine reports: its counters and the requests it sent to its task hub's table, by kind. */
export interface EngineReport extends Readonly<EngineStats> {
  readonly tableRequests: Readonly<Record<TableRequestKind, number>>;
}

/** Thrown by {@link EngineContext.assertAlive}: an abandoned engine must not write. */
export class EngineStoppedError extends Error {
  readonly isEngineStoppedError = true;
  constructor() {
    super("the durable engine was stopped");
  }
}

/** Whether `error` is an {@link EngineStoppedError}. */
/**
 * Whether a lease (an instance row's owner and expiry, or an activity row's owner and visibility) is this
 * engine's and lasts past `pastMs` (clock ms).
 */
export function ownLeaseLasts(
  ctx: EngineContext,
  lease: { readonly owner: string | undefined; readonly untilMs: number },
  pastMs: number,
): boolean {
  return lease.owner === ctx.workerId && lease.untilMs > pastMs;
}

/**
 * Drops everything this engine remembers of an instance (its history, its row as last written, its
 * inbox): the instance was purged, recreated or rewound, so none of it holds any more.
 */
export function forgetInstance(ctx: EngineContext, instanceId: string): void {
  ctx.history.forget(instanceId);
  ctx.heads.forget(instanceId);
  ctx.inbox.forget(instanceId);
}

/** The time a lease must outlast to be used without renewing it: half a lease from now. */
export function halfLeaseFromNow(ctx: EngineContext): number {
  return ctx.clock.now() + ctx.leaseClockMs / 2;
}

export function isEngineStoppedError(error: unknown): error is EngineStoppedError {
  return error instanceof Error && (error as Partial<EngineStoppedError>).isEngineStoppedError === true;
}

/** The function of `name` with a trigger of `triggerType`, if registered. */
export function findFunction(registry: FunctionRegistry, name: string, triggerType: string) {
  const fn = registry.functions.get(name);
  return fn && fn.trigger.type.toLowerCase() === triggerType.toLowerCase() ? fn : undefined;
}
