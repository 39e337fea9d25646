/**
 * Builders of work rows. Keys are deterministic wherever the same work may be decided twice (a replay
 * after a crash, a redelivered outbox row), so writing it again is an idempotent upsert, and each task
 * id completes at most once (`wm-c-<generation>-<taskId>`).
 */
import type { HistoryEvent } from "./history";
import type { NewWorkItem, ParentRef } from "./store";
import { WORK_PREFIX } from "./store";
import { pad, sortableTime } from "./table-values";

/** Row key of the completion message of task `taskId` (activity result, timer, sub-orchestration). */
export function completionRowKey(generation: number, taskId: number): string {
  return `${WORK_PREFIX.message}c-${pad(generation, 6)}-${pad(taskId)}`;
}

/** A completion event for the instance's own inbox, visible at `visibleAtMs`. */
export function completionMessage(
  instanceId: string,
  generation: number,
  taskId: number,
  event: HistoryEvent,
  visibleAtMs: number,
): NewWorkItem {
  return {
    kind: "message",
    instanceId,
    rowKey: completionRowKey(generation, taskId),
    generation,
    visibleAtMs,
    message: { type: "event", event },
  };
}

/** The `ExecutionStarted` message of a generation. */
export function startMessage(
  instanceId: string,
  generation: number,
  event: HistoryEvent,
  nowMs: number,
): NewWorkItem {
  return {
    kind: "message",
    instanceId,
    rowKey: `${WORK_PREFIX.message}s-${pad(generation, 6)}`,
    generation,
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
  message: Extract<NewWorkItem, { kind: "message" }>["message"],
  nowMs: number,
  uniqueSuffix: string,
): NewWorkItem {
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
  generation: number,
  taskId: number,
  name: string,
  input: unknown,
  nowMs: number,
): NewWorkItem {
  return {
    kind: "activity",
    instanceId,
    rowKey: `${WORK_PREFIX.activity}${pad(generation, 6)}-${pad(taskId)}`,
    generation,
    visibleAtMs: nowMs,
    activity: { name, input, taskId },
  };
}

/** Starting a sub-orchestration, done from the parent's partition after its checkpoint. */
export function startChildWork(
  parentInstanceId: string,
  parent: ParentRef,
  child: { instanceId: string; name: string; input: unknown },
  nowMs: number,
): NewWorkItem {
  return {
    kind: "outbox",
    instanceId: parentInstanceId,
    rowKey: `${WORK_PREFIX.outbox}${pad(parent.generation, 6)}-${pad(parent.taskId)}`,
    generation: parent.generation,
    visibleAtMs: nowMs,
    outbox: { type: "startChild", ...child, parent },
  };
}

/** Reporting a sub-orchestration's end to its parent, done after the child's final checkpoint. */
export function notifyParentWork(
  childInstanceId: string,
  childGeneration: number,
  parent: ParentRef,
  event: HistoryEvent,
  nowMs: number,
): NewWorkItem {
  return {
    kind: "outbox",
    instanceId: childInstanceId,
    rowKey: `${WORK_PREFIX.outbox}${pad(childGeneration, 6)}-parent`,
    generation: childGeneration,
    visibleAtMs: nowMs,
    outbox: {
      type: "deliver",
      instanceId: parent.instanceId,
      rowKey: completionRowKey(parent.generation, parent.taskId),
      generation: parent.generation,
      event,
    },
  };
}
