/**
 * Builders of work rows. Keys are deterministic wherever the same work may be decided twice (a replay
 * after a crash, a redelivered outbox row), so writing it again is an idempotent upsert, and each task
 * id of a run completes at most once (`wm-c-<generation>-<taskId>-<executionId>`). Work of a run
 * carries its execution id, so what an earlier run under the same instance id left in flight is told
 * apart from the current run's (see {@link RunRef}).
 */
import type { HistoryEvent } from "./history";
import type { NewMessage, NewWorkItem, ParentRef, RunRef } from "./store";
import { WORK_PREFIX } from "./store";
import { pad, sortableTime } from "./table-values";

/**
 * Row key of the completion message of task `taskId` (activity result, timer, sub-orchestration). The
 * execution id is part of it so that a late completion from an earlier run (a sub-orchestration of a
 * purged parent) can never overwrite the current run's completion of the same task id.
 */
export function completionRowKey(run: RunRef, taskId: number): string {
  return `${WORK_PREFIX.message}c-${pad(run.generation, 6)}-${pad(taskId)}-${run.executionId}`;
}

/** A completion event for the instance's own inbox, visible at `visibleAtMs`. */
export function completionMessage(
  instanceId: string,
  run: RunRef,
  taskId: number,
  event: HistoryEvent,
  visibleAtMs: number,
): NewMessage {
  return {
    kind: "message",
    instanceId,
    rowKey: completionRowKey(run, taskId),
    generation: run.generation,
    executionId: run.executionId,
    visibleAtMs,
    message: { type: "event", event },
  };
}

/** The `ExecutionStarted` message of a run's generation. */
export function startMessage(
  instanceId: string,
  run: RunRef,
  event: HistoryEvent,
  nowMs: number,
): NewMessage {
  return {
    kind: "message",
    instanceId,
    rowKey: `${WORK_PREFIX.message}s-${pad(run.generation, 6)}`,
    generation: run.generation,
    executionId: run.executionId,
    visibleAtMs: nowMs,
    message: { type: "event", event },
  };
}

/**
 * A message from outside (raised event, terminate, suspend, resume): it follows the instance across
 * generations, and its key sorts by arrival.
 */
export function externalMessage(
  instanceId: string,
  message: NewMessage["message"],
  nowMs: number,
  uniqueSuffix: string,
): NewMessage {
  return {
    kind: "message",
    instanceId,
    rowKey: `${WORK_PREFIX.message}x-${sortableTime(nowMs)}-${uniqueSuffix}`,
    generation: -1,
    visibleAtMs: nowMs,
    message,
  };
}

/** An activity call for a worker. */
export function activityWork(
  instanceId: string,
  run: RunRef,
  taskId: number,
  name: string,
  input: unknown,
  nowMs: number,
): NewWorkItem {
  return {
    kind: "activity",
    instanceId,
    rowKey: `${WORK_PREFIX.activity}${pad(run.generation, 6)}-${pad(taskId)}`,
    generation: run.generation,
    executionId: run.executionId,
    visibleAtMs: nowMs,
    activity: { name, input, taskId },
  };
}

/**
 * Starting a sub-orchestration, done from the parent's partition after its checkpoint. Outbox keys hold
 * the execution id too: a delivery of an earlier run still in flight deletes its own row when done,
 * never the row of a new run under the same id.
 */
export function startChildWork(
  parentInstanceId: string,
  parent: ParentRef,
  child: { instanceId: string; name: string; input: unknown },
  nowMs: number,
): NewWorkItem {
  return {
    kind: "outbox",
    instanceId: parentInstanceId,
    rowKey: `${WORK_PREFIX.outbox}${pad(parent.generation, 6)}-${pad(parent.taskId)}-${parent.executionId}`,
    generation: parent.generation,
    executionId: parent.executionId,
    visibleAtMs: nowMs,
    outbox: { type: "startChild", ...child, parent },
  };
}

/** Reporting a sub-orchestration's end to its parent, done after the child's final checkpoint. */
export function notifyParentWork(
  childInstanceId: string,
  child: RunRef,
  parent: ParentRef,
  event: HistoryEvent,
  nowMs: number,
): NewWorkItem {
  return {
    kind: "outbox",
    instanceId: childInstanceId,
    rowKey: `${WORK_PREFIX.outbox}${pad(child.generation, 6)}-parent-${child.executionId}`,
    generation: child.generation,
    executionId: child.executionId,
    visibleAtMs: nowMs,
    outbox: {
      type: "deliver",
      instanceId: parent.instanceId,
      rowKey: completionRowKey(parent, parent.taskId),
      generation: parent.generation,
      executionId: parent.executionId,
      event,
    },
  };
}
