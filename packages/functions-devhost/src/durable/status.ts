/**
 * Status bodies as the Durable HTTP API returns them: `input`, `output` and `customStatus` are `null`
 * rather than absent, times are ISO strings, and `historyEvents` reads like the real host's (scheduling
 * events folded into their completions, replay bookkeeping left out).
 */
import type { InstanceStatus } from "../contracts";
import { completedTaskId, EventType, type HistoryEvent } from "./history";
import type { InstanceRecord } from "./store";

/** Options of `getStatus`, as the HTTP API's query parameters. */
export interface StatusOptions {
  readonly showHistory?: boolean;
  readonly showHistoryOutput?: boolean;
  /** @default true */
  readonly showInput?: boolean;
}

/**
 * The status body of an instance. Its times are wall-clock times (`toWallMs` converts the clock's), as
 * the people and programs reading them expect, whatever rate durable time runs at.
 */
export function toInstanceStatus(
  record: InstanceRecord,
  options: StatusOptions = {},
  history?: readonly HistoryEvent[],
  toWallMs: (clockMs: number) => number = (ms) => ms,
): InstanceStatus {
  return {
    name: record.name,
    instanceId: record.instanceId,
    createdTime: new Date(Math.round(toWallMs(record.createdAtMs))).toISOString(),
    lastUpdatedTime: new Date(Math.round(toWallMs(record.updatedAtMs))).toISOString(),
    runtimeStatus: record.runtimeStatus,
    input: options.showInput === false ? null : (record.input ?? null),
    output: record.output ?? null,
    customStatus: record.customStatus ?? null,
    ...(options.showHistory && history
      ? { historyEvents: publicHistory(history, options.showHistoryOutput === true) }
      : {}),
  };
}

const EVENT_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(EventType).map(([name, value]) => [value, name]),
);

const HIDDEN: ReadonlySet<number> = new Set([
  EventType.OrchestratorStarted,
  EventType.OrchestratorCompleted,
  EventType.TaskScheduled,
  EventType.TimerCreated,
  EventType.SubOrchestrationInstanceCreated,
  EventType.ContinueAsNew,
]);

const parse = (json: string | undefined): unknown =>
  json === undefined ? null : (JSON.parse(json) as unknown);

function publicHistory(history: readonly HistoryEvent[], showOutput: boolean): Record<string, unknown>[] {
  const scheduled = new Map<number, HistoryEvent>();
  const shown: Record<string, unknown>[] = [];
  for (const event of history) {
    if (
      event.EventType === EventType.TaskScheduled ||
      event.EventType === EventType.SubOrchestrationInstanceCreated
    ) {
      scheduled.set(event.EventId, event);
    }
    if (event.EventType === EventType.TimerCreated) scheduled.set(event.EventId, event);
    if (HIDDEN.has(event.EventType)) continue;
    const entry: Record<string, unknown> = {
      EventType: EVENT_NAMES[event.EventType],
      Timestamp: event.Timestamp,
    };
    const taskId = completedTaskId(event);
    const origin = taskId === undefined ? undefined : scheduled.get(taskId);
    if (event.EventType === EventType.ExecutionStarted) entry.FunctionName = event.Name;
    if (origin?.Name) entry.FunctionName = origin.Name;
    if (origin) entry.ScheduledTime = origin.Timestamp;
    if (event.EventType === EventType.EventRaised) entry.Name = event.Name;
    if (event.EventType === EventType.TimerFired) entry.FireAt = event.FireAt;
    if (event.EventType === EventType.ExecutionCompleted)
      entry.OrchestrationStatus = event.OrchestrationStatus;
    if (event.Reason !== undefined) entry.Reason = event.Reason;
    if (event.Details !== undefined) entry.Details = event.Details;
    if (showOutput) {
      if (event.Result !== undefined) entry.Result = parse(event.Result);
      if (event.Input !== undefined) entry.Input = parse(event.Input);
    }
    shown.push(entry);
  }
  return shown;
}
