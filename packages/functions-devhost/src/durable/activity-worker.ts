/**
 * Runs one activity work item under a lease (the row's visibility moves forward while it runs, renewed
 * for long activities). Its result and the work item's deletion are one transaction, so a completion is
 * recorded once; the activity itself runs at least once (again if this engine dies before that).
 */
import { bindingDataOf } from "../binding-expressions";
import { createInvocationContext } from "../registry";
import { findFunction, halfLeaseFromNow, ownLeaseLasts, type EngineContext } from "./engine-context";
import {
  EventType,
  historyEvent,
  HTTP_ACTIVITY_NAME,
  type HistoryEvent,
  type WireHttpRequest,
} from "./history";
import { callDurableHttp } from "./http-activity";
import { isStorageStatus, workEntity, type WorkItem } from "./store";
import { encodeKey } from "./table-values";
import { completionMessage } from "./work-items";

type ActivityItem = Extract<WorkItem, { kind: "activity" }>;

/** Activity inputs that are strings arrive JSON-encoded once more (the library's `processInput`). */
function decodeInput(input: unknown): unknown {
  if (typeof input !== "string") return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}

async function invoke(ctx: EngineContext, item: ActivityItem, nowMs: () => number): Promise<HistoryEvent> {
  const { name, taskId } = item.activity;
  const failure = (message: string, details: string) =>
    historyEvent(EventType.TaskFailed, nowMs(), {
      TaskScheduledId: taskId,
      Reason: `Activity function '${name}' failed: ${message}`,
      Details: details,
    });
  const completed = (output: unknown) =>
    historyEvent(EventType.TaskCompleted, nowMs(), {
      TaskScheduledId: taskId,
      Result: JSON.stringify(output ?? null),
    });
  const failed = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    return failure(message, error instanceof Error ? (error.stack ?? message) : message);
  };
  if (name === HTTP_ACTIVITY_NAME) {
    return callDurableHttp(item.activity.input as WireHttpRequest).then(completed, failed);
  }
  const fn = findFunction(ctx.registry, name, "activityTrigger");
  if (!fn) {
    const message = `The function '${name}' doesn't exist, is disabled, or is not an activity function.`;
    return failure(message, message);
  }
  try {
    const input = decodeInput(item.activity.input);
    const context = createInvocationContext(fn);
    const output: unknown = await fn.handler(input, context);
    // Outputs are written before the result is recorded: a failed write fails the activity.
    await ctx.outputs.write({
      fn,
      extraOutput: (bindingName) => context.extraOutputs.get(bindingName),
      returned: undefined,
      // The durable extension's binding data: instanceId, data (the input) and the input's properties.
      bindingData: bindingDataOf(input, { instanceId: item.instanceId, data: input }),
    });
    return completed(output);
  } catch (error) {
    return failed(error);
  }
}

/** The activity row's lease: its owner, and its visibility as the expiry. */
const leaseOf = (item: ActivityItem) => ({ owner: item.leaseOwner, untilMs: item.visibleAtMs });

/**
 * Gives back activity rows this engine leased to itself but did not start (a stopping engine's queue),
 * so another engine can run them at once. Each only if unchanged since written.
 */
export async function releaseActivities(ctx: EngineContext, items: readonly ActivityItem[]): Promise<void> {
  const now = ctx.clock.now();
  await Promise.all(
    items
      .filter((item) => ownLeaseLasts(ctx, leaseOf(item), now))
      .map((item) =>
        ctx.store
          .replaceWork({ ...item, visibleAtMs: now, leaseOwner: undefined }, item.etag)
          .catch(() => undefined),
      ),
  );
}

/**
 * Claims `item` and runs it; returns without running when another engine claimed it first. A row this
 * engine wrote leased to itself (see `orchestration-worker.ts`) is run without a write while at least
 * half its lease is left; once less is, it is taken again like any other, conditionally on its ETag.
 */
export async function runActivity(ctx: EngineContext, item: ActivityItem): Promise<void> {
  const { store, clock } = ctx;
  const lease = () => ({ ...item, visibleAtMs: clock.now() + ctx.leaseClockMs, leaseOwner: ctx.workerId });
  let etag = item.etag;
  if (!ownLeaseLasts(ctx, leaseOf(item), halfLeaseFromNow(ctx))) {
    try {
      etag = await store.replaceWork(lease(), item.etag);
    } catch (error) {
      if (isStorageStatus(error, 404, 412)) return;
      throw error;
    }
  }
  const renewEveryMs = Math.max(50, ctx.leaseClockMs / clock.factor / 3);
  let renewing = Promise.resolve();
  const renewal = setInterval(() => {
    renewing = renewing
      .then(async () => {
        ctx.assertAlive();
        etag = await store.replaceWork(lease(), etag);
      })
      .catch(() => clearInterval(renewal));
  }, renewEveryMs);
  let completion: HistoryEvent;
  ctx.stats.activities += 1;
  try {
    completion = await invoke(ctx, item, () => clock.now());
  } finally {
    clearInterval(renewal);
    await renewing;
  }
  ctx.assertAlive();
  if (mayHandOver(ctx, item)) {
    ctx.handed.hand(item, completion, clock.now());
    ctx.stats.handedResults += 1;
  } else {
    await recordCompletion(ctx, item, completion);
  }
  ctx.wake(item.instanceId);
}

/**
 * Whether the result can go to the instance in memory: this engine holds the instance (its row as this
 * engine last wrote it, leased to it, in the run that scheduled the activity) and is not stopping. The
 * next episode's checkpoint then records the result and deletes the work row in one transaction; a
 * checkpoint that fails for a changed row (another engine took the instance) hands the result back to
 * storage (see {@link writeHandedResults}).
 */
function mayHandOver(ctx: EngineContext, item: ActivityItem): boolean {
  const known = ctx.heads.get(item.instanceId)?.head;
  return (
    !ctx.isStopping() &&
    known !== undefined &&
    known.leaseOwner === ctx.workerId &&
    known.generation === item.generation &&
    known.executionId === (item.executionId ?? "")
  );
}

/** Records an activity's result as a message row, in one transaction with its work row's deletion. */
async function recordCompletion(
  ctx: EngineContext,
  item: ActivityItem,
  completion: HistoryEvent,
): Promise<void> {
  // Bound to the run that scheduled the activity: a later run under the same id drops it.
  const run = { generation: item.generation, executionId: item.executionId ?? "" };
  const message = completionMessage(item.instanceId, run, item.activity.taskId, completion, ctx.clock.now());
  try {
    ctx.assertAlive();
    await ctx.store.commit(
      [],
      [
        ["delete", { partitionKey: encodeKey(item.instanceId), rowKey: item.rowKey }],
        ["create", workEntity(message)],
      ],
    );
    ctx.inbox.written(message);
  } catch (error) {
    // Already completed by another engine that took the work over: its result stands.
    if (!isStorageStatus(error, 404, 409, 412)) throw error;
  }
}

/**
 * Writes the results handed to `instanceId` that no checkpoint recorded (this engine stops processing
 * the instance: its lease released or lost, the engine stopping), so whoever processes it next finds
 * them in storage. A result whose work row is gone was recorded by another engine.
 */
export async function writeHandedResults(ctx: EngineContext, instanceId: string): Promise<void> {
  const results = ctx.handed.take(instanceId);
  if (results.length === 0) return;
  await Promise.all(results.map(({ item, completion }) => recordCompletion(ctx, item, completion)));
  ctx.wake(instanceId);
}
