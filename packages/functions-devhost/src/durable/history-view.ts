import { completedTaskId, EventType, isSchedulingEvent, type HistoryEvent } from "./history";

/** Facts about one generation's history that episodes need: task ids, what is open, what was decided. */
export interface HistoryView {
  /** The id the next id-consuming task will get (the library numbers tasks from 0). */
  readonly nextTaskId: number;
  readonly scheduledById: ReadonlyMap<number, HistoryEvent>;
  readonly completedIds: ReadonlySet<number>;
  /** Scheduling events of orchestrator actions, by action index (retry extras excluded). */
  readonly recordedActions: readonly HistoryEvent[];
  readonly started: boolean;
}

/** Reads a {@link HistoryView} from events. */
export function viewHistory(events: readonly HistoryEvent[]): HistoryView {
  const scheduledById = new Map<number, HistoryEvent>();
  const completedIds = new Set<number>();
  const recordedActions: HistoryEvent[] = [];
  let started = false;
  for (const event of events) {
    if (event.EventType === EventType.ExecutionStarted) started = true;
    if (isSchedulingEvent(event)) {
      scheduledById.set(event.EventId, event);
      if (event.ActionIndex !== undefined) recordedActions[event.ActionIndex] = event;
    }
    const completed = completedTaskId(event);
    if (completed !== undefined) completedIds.add(completed);
  }
  return { nextTaskId: scheduledById.size, scheduledById, completedIds, recordedActions, started };
}
