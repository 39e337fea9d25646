/**
 * History events and orchestrator actions as `durable-functions` 3.x reads and writes them (PascalCase
 * events, numeric types). Fields the library ignores but a faithful history carries (`Name`, `Input`,
 * `FireAt`) are kept; `ActionType` and `Retry` are this host's own bookkeeping on scheduling events.
 */

/**
 * `HistoryEventType` numbers of the library (durable-functions 3.5.0 `lib/src/history/HistoryEventType`,
 * the Durable Task Framework's order); a unit test compares them with the library's enum.
 */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionTerminated: 3,
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
  EventRaised: 15,
  ContinueAsNew: 16,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;
export type EventTypeNumber = (typeof EventType)[keyof typeof EventType];

/** `ActionType` numbers of the library. */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

/** `RetryOptions` as serialized in an action. */
export interface WireRetryOptions {
  readonly firstRetryIntervalInMilliseconds: number;
  readonly maxNumberOfAttempts: number;
  readonly backoffCoefficient?: number;
  readonly maxRetryIntervalInMilliseconds?: number;
  readonly retryTimeoutInMilliseconds?: number;
}

/** `DurableHttpRequest` as a `CallHttp` action carries it. */
export interface WireHttpRequest {
  readonly method: string;
  readonly uri: string;
  readonly content?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /** `ManagedIdentityTokenSource`: a bearer token for `resource` is added. */
  readonly tokenSource?: { readonly resource: string; readonly kind?: string };
  readonly asynchronousPatternEnabled?: boolean;
}

/**
 * The activity name the Durable extension schedules a `callHttp` under: the HTTP call runs as a built-in
 * activity, its request the input and its `DurableHttpResponse` the result.
 */
export const HTTP_ACTIVITY_NAME = "BuiltIn::HttpActivity";

/** One action of the orchestrator's `actions` list (JSON form: `fireAt` is an ISO string). */
export interface WireAction {
  readonly actionType: number;
  readonly functionName?: string;
  readonly input?: unknown;
  readonly instanceId?: string;
  readonly retryOptions?: WireRetryOptions;
  readonly fireAt?: string;
  readonly isCanceled?: boolean;
  readonly externalEventName?: string;
  readonly compoundActions?: readonly WireAction[];
  readonly httpRequest?: WireHttpRequest;
}

/** The name a scheduling event records for `action` (the built-in HTTP activity for `callHttp`). */
export function scheduledName(action: WireAction): string | undefined {
  return action.actionType === ActionType.CallHttp ? HTTP_ACTIVITY_NAME : (action.functionName ?? undefined);
}

/** Retry bookkeeping on the scheduling events of a task called with `RetryOptions`. */
export interface RetryState {
  readonly options: WireRetryOptions;
  /** 1 for the first call. */
  readonly attempt: number;
  /** Clock time (ms) the first attempt was scheduled: `retryTimeoutInMilliseconds` counts from it. */
  readonly firstAttemptAtMs: number;
  /** Set on the timer scheduled between attempts: the task id of the attempt that failed. */
  readonly retryOf?: number;
  /** Set on a retry timer when `retryTimeout` has passed: the next attempts fail without running. */
  readonly giveUp?: boolean;
  /** The failure that started the timer, replayed when attempts are given up. */
  readonly lastReason?: string;
  readonly lastDetails?: string;
}

/** A history event; only the fields this host writes. */
export interface HistoryEvent {
  readonly EventType: EventTypeNumber;
  readonly EventId: number;
  readonly IsPlayed: boolean;
  readonly Timestamp: string;
  readonly Name?: string;
  readonly Input?: string;
  readonly Result?: string;
  readonly Reason?: string;
  readonly Details?: string;
  readonly TaskScheduledId?: number;
  readonly TimerId?: number;
  readonly FireAt?: string;
  readonly InstanceId?: string;
  readonly OrchestrationStatus?: string;
  /** This host: the action type behind a scheduling event, for the determinism check. */
  readonly ActionType?: number;
  /** This host: index of the action (id-consuming actions, depth-first) behind a scheduling event. */
  readonly ActionIndex?: number;
  readonly Retry?: RetryState;
  /** This host: on a timer between two polls of a `callHttp` answered 202, the request to send next. */
  readonly HttpPoll?: { readonly request: WireHttpRequest };
}

/** Builds an event; `EventId` is -1 unless it schedules a task (the task id). */
export function historyEvent(
  type: EventTypeNumber,
  timestampMs: number,
  fields: Partial<Omit<HistoryEvent, "EventType" | "Timestamp">> = {},
): HistoryEvent {
  return {
    EventId: -1,
    IsPlayed: false,
    ...fields,
    EventType: type,
    Timestamp: new Date(timestampMs).toISOString(),
  };
}

const SCHEDULING_EVENTS: ReadonlySet<number> = new Set([
  EventType.TaskScheduled,
  EventType.TimerCreated,
  EventType.SubOrchestrationInstanceCreated,
]);

/** Whether the event consumed a task id (its `EventId`). */
export function isSchedulingEvent(event: HistoryEvent): boolean {
  return SCHEDULING_EVENTS.has(event.EventType);
}

/** Completion events matched to a task by `TaskScheduledId` or `TimerId`. */
export function completedTaskId(event: HistoryEvent): number | undefined {
  if (event.EventType === EventType.TimerFired) return event.TimerId;
  if (
    event.EventType === EventType.TaskCompleted ||
    event.EventType === EventType.TaskFailed ||
    event.EventType === EventType.SubOrchestrationInstanceCompleted ||
    event.EventType === EventType.SubOrchestrationInstanceFailed
  ) {
    return event.TaskScheduledId;
  }
  return undefined;
}

/**
 * The actions that consume a task id, depth-first through `Task.all` / `Task.any`, in yield order: the
 * order in which the library numbers tasks. External-event waits (matched by name) and continue-as-new
 * take no id.
 */
export function idConsumingActions(actions: readonly WireAction[]): WireAction[] {
  const found: WireAction[] = [];
  const visit = (action: WireAction) => {
    if (action.compoundActions) action.compoundActions.forEach(visit);
    else if (
      action.actionType !== ActionType.WaitForExternalEvent &&
      action.actionType !== ActionType.ContinueAsNew
    ) {
      found.push(action);
    }
  };
  actions.forEach(visit);
  return found;
}

/** Readable action kind for messages (`activity`, `timer`, …). */
export function describeActionType(actionType: number | undefined): string {
  switch (actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      return "activity";
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return "sub-orchestration";
    case ActionType.CreateTimer:
      return "timer";
    case ActionType.CallHttp:
      return "HTTP call";
    case ActionType.CallEntity:
    case ActionType.SignalEntity:
    case ActionType.LockEntities:
    case ActionType.ReleaseEntities:
      return "entity operation";
    default:
      return `action ${String(actionType)}`;
  }
}
