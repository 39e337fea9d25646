/** Creating instances: `startNew`, sub-orchestrations, and restarting a finished instance under the same id. */
import { randomUUID } from "node:crypto";
import type { RuntimeStatus } from "../contracts";
import type { EngineContext } from "./engine-context";
import { durableEngineError } from "./errors";
import { EventType, historyEvent } from "./history";
import {
  instanceEntity,
  isStorageStatus,
  retryOnEtagConflict,
  workEntity,
  type InstanceRecord,
  type ParentRef,
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
 */
export async function createInstance(ctx: EngineContext, instance: NewInstance): Promise<void> {
  await retryOnEtagConflict(() => createOnce(ctx, instance));
}

async function createOnce(ctx: EngineContext, instance: NewInstance): Promise<void> {
  ctx.assertAlive();
  const { store } = ctx;
  const now = ctx.clock.now();
  const existing = await store.getInstance(instance.instanceId);
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
  const generation = existing ? existing.record.generation + 1 : 0;
  const record: InstanceRecord = {
    instanceId: instance.instanceId,
    name: instance.name,
    runtimeStatus: "Pending",
    generation,
    executionId: randomUUID().replace(/-/g, ""),
    createdAtMs: now,
    updatedAtMs: now,
    input: instance.input,
    output: undefined,
    customStatus: undefined,
    parent: instance.parent,
    historyChunks: 0,
    leaseUntilMs: 0,
  };
  const started = historyEvent(EventType.ExecutionStarted, now, {
    Name: instance.name,
    Input: JSON.stringify(instance.input ?? null),
    InstanceId: instance.instanceId,
  });
  const start = workEntity(startMessage(instance.instanceId, record, started, now));
  ctx.history.forget(instance.instanceId);
  try {
    if (existing) {
      await store.deletePartition(instance.instanceId, (rowKey) => rowKey === "i");
      await store.commit(
        [],
        [
          ["update", instanceEntity(record), "Replace", { etag: existing.etag }],
          ["upsert", start, "Replace"],
        ],
      );
    } else {
      await store.commit(
        [],
        [
          ["create", instanceEntity(record)],
          ["upsert", start, "Replace"],
        ],
      );
    }
  } catch (error) {
    if (isStorageStatus(error, 409)) {
      throw durableEngineError(
        "instance-exists",
        `An instance with ID '${instance.instanceId}' was created meanwhile`,
      );
    }
    throw error;
  }
  ctx.wake(instance.instanceId);
}
