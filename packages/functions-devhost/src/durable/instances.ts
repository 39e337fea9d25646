/** Creating instances: `startNew`, sub-orchestrations, and restarting a finished instance under the same id. */
import { randomUUID } from "node:crypto";
import type { RuntimeStatus } from "../contracts";
import { forgetInstance, type EngineContext } from "./engine-context";
import { durableEngineError } from "./errors";
import { EventType, historyEvent } from "./history";
import {
  INSTANCE_ROW,
  instanceEntity,
  isStorageStatus,
  retryOnEtagConflict,
  workEntity,
  type InstanceHead,
  type InstanceRecord,
  type ParentRef,
  type StoredInstance,
} from "./store";
import { startMessage } from "./work-items";

const TERMINAL: ReadonlySet<RuntimeStatus> = new Set(["Completed", "Failed", "Terminated", "Canceled"]);

/** Whether an instance in this state will not run again by itself. */
export function isTerminal(status: RuntimeStatus): boolean {
  return TERMINAL.has(status);
}

/**
 * Whether two parent references name the same task of the same run. The execution id matters: after a
 * purge, a new run of the parent numbers generations and tasks from 0 again, and its start of the child
 * is a new start, not a redelivery of the old run's.
 */
function isSameParentTask(a: ParentRef, b: ParentRef): boolean {
  return (
    a.instanceId === b.instanceId &&
    a.taskId === b.taskId &&
    a.generation === b.generation &&
    a.executionId === b.executionId
  );
}

/** What to start. */
export interface NewInstance {
  readonly instanceId: string;
  readonly name: string;
  readonly input: unknown;
  readonly parent?: ParentRef;
}

/**
 * Creates the instance row and its `ExecutionStarted` message in one transaction. A finished instance
 * with the same id is replaced (its old rows deleted first), as the real host allows; a running one is
 * an `instance-exists` error. A start the same parent task already made (redelivered) does nothing.
 *
 * Most starts are of ids not used before, so the row is created without reading first; only when one
 * is there (409) is it read and the cases above told apart. The new row is leased to this engine, which
 * runs its first episode at once without taking the lease again.
 */
export async function createInstance(ctx: EngineContext, instance: NewInstance): Promise<void> {
  try {
    await writeStart(ctx, instance, undefined);
    return;
  } catch (error) {
    if (!isStorageStatus(error, 409)) throw error;
  }
  await retryOnEtagConflict(() => createOverExisting(ctx, instance));
}

async function createOverExisting(ctx: EngineContext, instance: NewInstance): Promise<void> {
  ctx.assertAlive();
  const existing = await ctx.store.getInstance(instance.instanceId);
  if (
    instance.parent &&
    existing?.record.parent &&
    isSameParentTask(existing.record.parent, instance.parent)
  ) {
    // A redelivered start of the same sub-orchestration task: the child exists (or already finished).
    return;
  }
  if (existing && !isTerminal(existing.record.runtimeStatus)) {
    throw durableEngineError(
      "instance-exists",
      `An instance with ID '${instance.instanceId}' already exists and is ${existing.record.runtimeStatus}`,
    );
  }
  try {
    await writeStart(ctx, instance, existing);
  } catch (error) {
    if (isStorageStatus(error, 409)) {
      throw durableEngineError(
        "instance-exists",
        `An instance with ID '${instance.instanceId}' was created meanwhile`,
      );
    }
    throw error;
  }
}

/**
 * Writes a new run's instance row (created, or replacing the finished run `existing`, whose other rows
 * go first) with its start message, then wakes the engine for it.
 */
async function writeStart(
  ctx: EngineContext,
  instance: NewInstance,
  existing: StoredInstance | undefined,
): Promise<void> {
  ctx.assertAlive();
  const { store } = ctx;
  const now = ctx.clock.now();
  const record: InstanceRecord = {
    instanceId: instance.instanceId,
    name: instance.name,
    runtimeStatus: "Pending",
    generation: existing ? existing.record.generation + 1 : 0,
    executionId: randomUUID().replace(/-/g, ""),
    createdAtMs: now,
    updatedAtMs: now,
    input: instance.input,
    output: undefined,
    customStatus: undefined,
    parent: instance.parent,
    historyChunks: 0,
    leaseOwner: ctx.workerId,
    leaseUntilMs: now + ctx.leaseClockMs,
  };
  const started = historyEvent(EventType.ExecutionStarted, now, {
    Name: instance.name,
    Input: JSON.stringify(instance.input ?? null),
    InstanceId: instance.instanceId,
  });
  const startItem = startMessage(instance.instanceId, record, started, now);
  const start = workEntity(startItem);
  forgetInstance(ctx, instance.instanceId);
  if (existing) await store.deletePartition(instance.instanceId, (rowKey) => rowKey === INSTANCE_ROW);
  // The new run's inbox is its start message: the partition held no other message rows (a new
  // instance's, or one just cleared), save an earlier run's late ones, which a scan reports.
  ctx.inbox.listing(instance.instanceId);
  const etags = await store
    .commit(
      [],
      [
        existing
          ? ["update", instanceEntity(record), "Replace", { etag: existing.etag }]
          : ["create", instanceEntity(record)],
        ["upsert", start, "Replace"],
      ],
    )
    .catch((error: unknown) => {
      ctx.inbox.forget(instance.instanceId);
      throw error;
    });
  ctx.inbox.listed(instance.instanceId, [startItem]);
  const etag = etags.get(INSTANCE_ROW);
  if (etag) {
    const values = { output: undefined, customStatus: undefined };
    ctx.heads.remember(instance.instanceId, { head: headOf(record), etag, values });
  }
  ctx.wake(instance.instanceId);
}

/** The record without its JSON values. */
function headOf(record: InstanceRecord): InstanceHead {
  const { input: _input, output: _output, customStatus: _customStatus, ...head } = record;
  return head;
}
