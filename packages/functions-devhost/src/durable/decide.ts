/**
 * Action → event translation: turns an episode's result into history events, work rows and the
 * instance's new state, as the Durable Task framework does for out-of-process orchestrators. Also the
 * host's side of `RetryOptions` (the library leaves delays and rescheduling to the host) and the
 * determinism check (the library does none).
 */
import type { RuntimeStatus } from "../contracts";
import type { EpisodeResult } from "./episode";
import {
  ActionType,
  describeActionType,
  EventType,
  historyEvent,
  HTTP_ACTIVITY_NAME,
  idConsumingActions,
  scheduledName,
  type HistoryEvent,
  type RetryState,
  type WireAction,
  type WireHttpRequest,
} from "./history";
import type { HistoryView } from "./history-view";
import { retryDelayMs } from "./retry";
import type { NewWorkItem, ParentRef, RunRef } from "./store";
import { activityWork, completionMessage, notifyParentWork, startChildWork } from "./work-items";

/** The instance an episode runs for, and its current run (every work row decided is bound to it). */
export interface EpisodeSubject extends RunRef {
  readonly instanceId: string;
  readonly name: string;
  readonly parent?: ParentRef;
}

/** What an episode changes. */
export interface Decision {
  /** Events to append after the episode's input events. */
  readonly events: HistoryEvent[];
  readonly work: NewWorkItem[];
  readonly runtimeStatus: RuntimeStatus;
  readonly output?: unknown;
  readonly customStatus?: unknown;
  /** Set by continue-as-new: the next generation's input. */
  readonly continueAsNew?: { readonly input: unknown };
}

/** Host bookkeeping right after a completion is appended (before the episode runs), and its work. */
export interface Bookkeeping {
  readonly events: HistoryEvent[];
  readonly work: NewWorkItem[];
}

const isRetried = (event: HistoryEvent | undefined): event is HistoryEvent & { Retry: RetryState } =>
  event?.Retry !== undefined;

/**
 * `RetryOptions` on the host side. After a failed attempt the library waits on a timer (one task id,
 * even after the last attempt: the error surfaces when it fires); after that timer, if attempts remain,
 * it expects the task again under a new id.
 */
export function retryBookkeeping(
  subject: EpisodeSubject,
  view: HistoryView,
  delivered: HistoryEvent,
  nowMs: number,
): Bookkeeping {
  const none: Bookkeeping = { events: [], work: [] };
  const failedAttempt =
    delivered.EventType === EventType.TaskFailed ||
    delivered.EventType === EventType.SubOrchestrationInstanceFailed
      ? view.scheduledById.get(delivered.TaskScheduledId ?? -1)
      : undefined;
  if (isRetried(failedAttempt) && failedAttempt.Retry.retryOf === undefined) {
    const retry = failedAttempt.Retry;
    const delayMs = retryDelayMs(retry.options, retry.attempt, retry.firstAttemptAtMs, nowMs);
    const timerId = view.nextTaskId;
    const fireAtMs = nowMs + (delayMs ?? 0);
    const timer = historyEvent(EventType.TimerCreated, nowMs, {
      EventId: timerId,
      FireAt: new Date(fireAtMs).toISOString(),
      Retry: {
        ...retry,
        retryOf: failedAttempt.EventId,
        giveUp: delayMs === undefined,
        lastReason: delivered.Reason,
        lastDetails: delivered.Details,
      },
    });
    const fired = historyEvent(EventType.TimerFired, fireAtMs, { TimerId: timerId, FireAt: timer.FireAt });
    return {
      events: [timer],
      work: [completionMessage(subject.instanceId, subject, timerId, fired, fireAtMs)],
    };
  }
  const retryTimer =
    delivered.EventType === EventType.TimerFired
      ? view.scheduledById.get(delivered.TimerId ?? -1)
      : undefined;
  const retryOf = retryTimer?.Retry?.retryOf;
  if (!isRetried(retryTimer) || retryOf === undefined) return none;
  const retry = retryTimer.Retry;
  if (retry.attempt >= retry.options.maxNumberOfAttempts) return none;
  const original = view.scheduledById.get(retryOf);
  if (!original) return none;
  const taskId = view.nextTaskId;
  const next: RetryState = {
    options: retry.options,
    attempt: retry.attempt + 1,
    firstAttemptAtMs: retry.firstAttemptAtMs,
  };
  const scheduled = historyEvent(original.EventType, nowMs, {
    EventId: taskId,
    Name: original.Name,
    Input: original.Input,
    InstanceId: original.InstanceId,
    ActionType: original.ActionType,
    Retry: next,
  });
  if (retry.giveUp) {
    // retryTimeout has passed: the library still counts attempts, so each remaining one fails at once.
    const failedType =
      original.EventType === EventType.TaskScheduled
        ? EventType.TaskFailed
        : EventType.SubOrchestrationInstanceFailed;
    const failed = historyEvent(failedType, nowMs, {
      TaskScheduledId: taskId,
      Reason: retry.lastReason,
      Details: retry.lastDetails,
    });
    return {
      events: [scheduled],
      work: [completionMessage(subject.instanceId, subject, taskId, failed, nowMs)],
    };
  }
  return { events: [scheduled], work: [scheduleWork(subject, original, taskId, nowMs)] };
}

/** The Durable extension's wait between polls when a 202 has no `Retry-After` (its default, 30 s). */
export const DEFAULT_HTTP_POLL_INTERVAL_MS = 30_000;

function headerOf(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== "object") return undefined;
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  const value: unknown = Array.isArray(entry?.[1]) ? (entry[1] as unknown[])[0] : entry?.[1];
  return typeof value === "string" ? value : undefined;
}

/**
 * `callHttp`'s asynchronous pattern on the host side, as the extension runs it: a response of 202 with
 * `Location` is followed by a durable timer (`Retry-After` seconds, else 30 s) and then a GET of
 * `Location` with the same headers and token source — until an answer other than 202. The library
 * replays the same steps (timer and call under the next task ids) without asking for them.
 */
export function httpPollBookkeeping(
  subject: EpisodeSubject,
  view: HistoryView,
  delivered: HistoryEvent,
  nowMs: number,
): Bookkeeping {
  const none: Bookkeeping = { events: [], work: [] };
  if (delivered.EventType === EventType.TaskCompleted) {
    const call = view.scheduledById.get(delivered.TaskScheduledId ?? -1);
    if (call?.Name !== HTTP_ACTIVITY_NAME || call.Input === undefined) return none;
    const request = JSON.parse(call.Input) as WireHttpRequest | null;
    const response = JSON.parse(delivered.Result ?? "null") as {
      statusCode?: number;
      headers?: unknown;
    } | null;
    const location = headerOf(response?.headers, "location");
    if (
      !request ||
      request.asynchronousPatternEnabled === false ||
      response?.statusCode !== 202 ||
      !location
    ) {
      return none;
    }
    const retryAfterSeconds = Number(headerOf(response.headers, "retry-after"));
    const delayMs =
      Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0
        ? retryAfterSeconds * 1000
        : DEFAULT_HTTP_POLL_INTERVAL_MS;
    const timerId = view.nextTaskId;
    const fireAt = new Date(nowMs + delayMs).toISOString();
    const poll: WireHttpRequest = {
      method: "GET",
      uri: location,
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.tokenSource ? { tokenSource: request.tokenSource } : {}),
      asynchronousPatternEnabled: true,
    };
    const timer = historyEvent(EventType.TimerCreated, nowMs, {
      EventId: timerId,
      FireAt: fireAt,
      HttpPoll: { request: poll },
    });
    const fired = historyEvent(EventType.TimerFired, nowMs + delayMs, { TimerId: timerId, FireAt: fireAt });
    return {
      events: [timer],
      work: [completionMessage(subject.instanceId, subject, timerId, fired, nowMs + delayMs)],
    };
  }
  if (delivered.EventType === EventType.TimerFired) {
    const poll = view.scheduledById.get(delivered.TimerId ?? -1)?.HttpPoll;
    if (!poll) return none;
    const taskId = view.nextTaskId;
    const scheduled = historyEvent(EventType.TaskScheduled, nowMs, {
      EventId: taskId,
      Name: HTTP_ACTIVITY_NAME,
      Input: JSON.stringify(poll.request),
      ActionType: ActionType.CallHttp,
    });
    return { events: [scheduled], work: [scheduleWork(subject, scheduled, taskId, nowMs)] };
  }
  return none;
}

/** Every piece of host bookkeeping after `delivered` is appended: retries and HTTP polling. */
export function hostBookkeeping(
  subject: EpisodeSubject,
  view: HistoryView,
  delivered: HistoryEvent,
  nowMs: number,
): Bookkeeping {
  const retry = retryBookkeeping(subject, view, delivered, nowMs);
  if (retry.events.length > 0 || retry.work.length > 0) return retry;
  return httpPollBookkeeping(subject, view, delivered, nowMs);
}

function scheduleWork(
  subject: EpisodeSubject,
  scheduled: HistoryEvent,
  taskId: number,
  nowMs: number,
): NewWorkItem {
  const input = scheduled.Input === undefined ? undefined : (JSON.parse(scheduled.Input) as unknown);
  if (scheduled.EventType === EventType.TaskScheduled) {
    return activityWork(subject.instanceId, subject, taskId, scheduled.Name ?? "", input, nowMs);
  }
  return startChildWork(
    subject.instanceId,
    {
      instanceId: subject.instanceId,
      taskId,
      generation: subject.generation,
      executionId: subject.executionId,
    },
    {
      instanceId: scheduled.InstanceId ?? `${subject.instanceId}:${taskId}`,
      name: scheduled.Name ?? "",
      input,
    },
    nowMs,
  );
}

/** The first difference between recorded and replayed actions, as a message; `undefined` when none. */
export function findNonDeterminism(view: HistoryView, actions: readonly WireAction[]): string | undefined {
  const replayed = idConsumingActions(actions);
  for (let index = 0; index < view.recordedActions.length; index++) {
    const recorded = view.recordedActions[index];
    if (!recorded) continue;
    const now = replayed[index];
    if (!now || now.actionType !== recorded.ActionType || scheduledName(now) !== recorded.Name) {
      const was = `${describeActionType(recorded.ActionType)}${recorded.Name ? ` '${recorded.Name}'` : ""}`;
      const nowName = now && scheduledName(now);
      const is = now ? `${describeActionType(now.actionType)}${nowName ? ` '${nowName}'` : ""}` : "nothing";
      return (
        `Non-deterministic orchestration detected: a previous execution scheduled ${was} with sequence ID ` +
        `${recorded.EventId}, but the replay scheduled ${is} there. Was the orchestrator code changed after ` +
        `this instance started?`
      );
    }
  }
  return undefined;
}

/** Translates an episode's result. `view` covers the history including this episode's input events. */
export function decide(
  subject: EpisodeSubject,
  view: HistoryView,
  result: EpisodeResult,
  nowMs: number,
): Decision {
  const nonDeterminism = findNonDeterminism(view, result.actions);
  if (nonDeterminism) return fail(subject, nonDeterminism, result.customStatus, nowMs);
  if (result.error !== undefined) {
    return fail(
      subject,
      `Orchestrator function '${subject.name}' failed: ${result.error}`,
      result.customStatus,
      nowMs,
    );
  }
  const continueAsNew = result.actions.find((action) => action.actionType === ActionType.ContinueAsNew);
  if (result.isDone && continueAsNew) {
    return {
      events: [
        historyEvent(EventType.ContinueAsNew, nowMs, { Input: JSON.stringify(continueAsNew.input ?? null) }),
        historyEvent(EventType.OrchestratorCompleted, nowMs),
        historyEvent(EventType.ExecutionCompleted, nowMs, { OrchestrationStatus: "ContinuedAsNew" }),
      ],
      work: [],
      runtimeStatus: "Running",
      customStatus: result.customStatus,
      continueAsNew: { input: continueAsNew.input },
    };
  }
  if (result.isDone) {
    const resultJson = JSON.stringify(result.output ?? null);
    return endRun(subject, nowMs, "Completed", resultJson, result.output, result.customStatus, (taskId) =>
      historyEvent(EventType.SubOrchestrationInstanceCompleted, nowMs, {
        TaskScheduledId: taskId,
        Result: resultJson,
      }),
    );
  }
  return scheduleNewActions(subject, view, result, nowMs);
}

function scheduleNewActions(
  subject: EpisodeSubject,
  view: HistoryView,
  result: EpisodeResult,
  nowMs: number,
): Decision {
  const events: HistoryEvent[] = [];
  const work: NewWorkItem[] = [];
  const actions = idConsumingActions(result.actions);
  let taskId = view.nextTaskId;
  for (let index = view.recordedActions.length; index < actions.length; index++) {
    const action = actions[index] as WireAction;
    const id = taskId++;
    const common = { EventId: id, ActionType: action.actionType, ActionIndex: index };
    const retry: RetryState | undefined = action.retryOptions
      ? { options: action.retryOptions, attempt: 1, firstAttemptAtMs: nowMs }
      : undefined;
    switch (action.actionType) {
      case ActionType.CallActivity:
      case ActionType.CallActivityWithRetry: {
        const scheduled = historyEvent(EventType.TaskScheduled, nowMs, {
          ...common,
          Name: action.functionName,
          Input: JSON.stringify(action.input ?? null),
          Retry: retry,
        });
        events.push(scheduled);
        work.push(scheduleWork(subject, scheduled, id, nowMs));
        break;
      }
      case ActionType.CallHttp: {
        // As the extension runs it: a built-in activity whose input is the request.
        const scheduled = historyEvent(EventType.TaskScheduled, nowMs, {
          ...common,
          Name: HTTP_ACTIVITY_NAME,
          Input: JSON.stringify(action.httpRequest ?? null),
        });
        events.push(scheduled);
        work.push(scheduleWork(subject, scheduled, id, nowMs));
        break;
      }
      case ActionType.CallSubOrchestrator:
      case ActionType.CallSubOrchestratorWithRetry: {
        const created = historyEvent(EventType.SubOrchestrationInstanceCreated, nowMs, {
          ...common,
          Name: action.functionName,
          Input: JSON.stringify(action.input ?? null),
          InstanceId: action.instanceId || `${subject.instanceId}:${id}`,
          Retry: retry,
        });
        events.push(created);
        work.push(scheduleWork(subject, created, id, nowMs));
        break;
      }
      case ActionType.CreateTimer: {
        const fireAtMs = Date.parse(action.fireAt ?? "") || nowMs;
        events.push(historyEvent(EventType.TimerCreated, nowMs, { ...common, FireAt: action.fireAt }));
        const fired = historyEvent(EventType.TimerFired, fireAtMs, { TimerId: id, FireAt: action.fireAt });
        work.push(completionMessage(subject.instanceId, subject, id, fired, fireAtMs));
        break;
      }
      default:
        return fail(
          subject,
          `Orchestrator function '${subject.name}' failed: ${describeActionType(action.actionType)}s are not supported by the devhost`,
          result.customStatus,
          nowMs,
        );
    }
  }
  events.push(historyEvent(EventType.OrchestratorCompleted, nowMs));
  return { events, work, runtimeStatus: "Running", customStatus: result.customStatus };
}

function fail(subject: EpisodeSubject, message: string, customStatus: unknown, nowMs: number): Decision {
  return endRun(subject, nowMs, "Failed", JSON.stringify(message), message, customStatus, (taskId) =>
    historyEvent(EventType.SubOrchestrationInstanceFailed, nowMs, {
      TaskScheduledId: taskId,
      Reason: `Sub-orchestration '${subject.name}' failed: ${message}`,
      Details: message,
    }),
  );
}

/**
 * Ends the run: the closing history events, and for a sub-orchestration the message that tells its
 * parent (`parentEvent` builds it from the parent's task id).
 */
function endRun(
  subject: EpisodeSubject,
  nowMs: number,
  status: "Completed" | "Failed",
  resultJson: string,
  output: unknown,
  customStatus: unknown,
  parentEvent: (parentTaskId: number) => ReturnType<typeof historyEvent>,
): Decision {
  const work = subject.parent
    ? [
        notifyParentWork(
          subject.instanceId,
          subject,
          subject.parent,
          parentEvent(subject.parent.taskId),
          nowMs,
        ),
      ]
    : [];
  return {
    events: [
      historyEvent(EventType.OrchestratorCompleted, nowMs),
      historyEvent(EventType.ExecutionCompleted, nowMs, { OrchestrationStatus: status, Result: resultJson }),
    ],
    work,
    runtimeStatus: status,
    output,
    customStatus,
  };
}
