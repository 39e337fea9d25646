/**
 * One orchestrator episode: calls the captured orchestration handler (the library's own wrapper) with a
 * fresh `InvocationContext` and the full trigger payload, as the Functions host does, and normalizes what
 * comes back. The library caches `context.df` and mutates the history it is given (timestamps become
 * Dates), so both are fresh each time (the events copied, not the engine's own).
 */
import type { CapturedFunction } from "../contracts";
import { createInvocationContext } from "../registry";
import type { HistoryEvent, WireAction } from "./history";

/** What an episode decided. */
export interface EpisodeResult {
  readonly isDone: boolean;
  /** Every action yielded so far, in order (V3 schema: the library's `actions[0]`). */
  readonly actions: readonly WireAction[];
  readonly output: unknown;
  readonly customStatus: unknown;
  /** Set when the orchestrator threw: the error's message. */
  readonly error?: string;
}

/** Inputs of {@link runEpisode}. */
export interface EpisodeInput {
  readonly orchestrator: CapturedFunction;
  readonly instanceId: string;
  readonly parentInstanceId?: string;
  readonly history: readonly HistoryEvent[];
  /** The run's input, a value of the episode's own (parsed from `ExecutionStarted` for it): not copied again. */
  readonly input: unknown;
  readonly logHandler?: (level: string, ...args: unknown[]) => void;
}

/** The marker before the JSON state in the message the library rejects with when the orchestrator throws. */
const OUT_OF_PROC_DATA = "$OutOfProcData$:";

/** Timers up to this long stay one timer: this host has no storage limit on timer length, unlike Azure Queues. */
const MAXIMUM_SHORT_TIMER = "3650.00:00:00";

interface WireState {
  isDone?: boolean;
  actions?: WireAction[][];
  output?: unknown;
  customStatus?: unknown;
  error?: string;
}

/** Runs one episode over `history` (which must hold `OrchestratorStarted` and `ExecutionStarted`). */
export async function runEpisode(episode: EpisodeInput): Promise<EpisodeResult> {
  const payload = {
    history: episode.history.map(libraryCopy),
    input: episode.input,
    instanceId: episode.instanceId,
    isReplaying: false,
    parentInstanceId: episode.parentInstanceId ?? null,
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 2,
    longRunningTimerIntervalDuration: "3.00:00:00",
    maximumShortTimerDuration: MAXIMUM_SHORT_TIMER,
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
  const context = createInvocationContext(episode.orchestrator, { logHandler: episode.logHandler });
  let state: WireState;
  try {
    state = normalize(await episode.orchestrator.handler(payload, context));
  } catch (error) {
    state = failureState(error);
  }
  return {
    isDone: state.isDone === true,
    actions: state.actions?.[0] ?? [],
    output: state.output,
    customStatus: state.customStatus,
    error: state.error,
  };
}

/**
 * A copy of `event` for the library, which turns every `Timestamp` it finds into a Date, in nested
 * objects too. Most events hold only strings and numbers, and a shallow copy protects those: copying the
 * whole history through JSON each episode cost more than the rest of the episode's bookkeeping.
 */
function libraryCopy(event: HistoryEvent): HistoryEvent {
  const nested = Object.values(event).some((value) => typeof value === "object" && value !== null);
  return nested ? (JSON.parse(JSON.stringify(event)) as HistoryEvent) : { ...event };
}

/**
 * The library's state as plain JSON values: `fireAt` Dates become ISO strings, class instances plain
 * objects. The actions list every task the orchestration has scheduled so far, inputs included, and
 * those inputs are only ever written as JSON (`decide.ts` stringifies a new action's): they are kept as
 * they are, not copied through JSON every episode.
 */
function normalize(value: unknown): WireState {
  if (value === undefined) return {};
  const state = value as WireState;
  return {
    isDone: state.isDone,
    actions: state.actions?.map((group) => group.map(plainAction)),
    output: jsonCopy(state.output),
    customStatus: jsonCopy(state.customStatus),
    error: state.error,
  };
}

function plainAction(action: WireAction): WireAction {
  const { retryOptions, httpRequest, compoundActions } = action;
  // The library's timers carry a Date, whatever the wire type says.
  const fireAt: unknown = (action as { readonly fireAt?: unknown }).fireAt;
  return {
    ...action,
    ...(fireAt === undefined
      ? {}
      : { fireAt: fireAt instanceof Date ? fireAt.toISOString() : String(fireAt) }),
    ...(retryOptions === undefined ? {} : { retryOptions: jsonCopy(retryOptions) }),
    ...(httpRequest === undefined ? {} : { httpRequest: jsonCopy(httpRequest) }),
    ...(compoundActions === undefined ? {} : { compoundActions: compoundActions.map(plainAction) }),
  };
}

function jsonCopy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function failureState(error: unknown): WireState {
  const message = error instanceof Error ? error.message : String(error);
  const marker = message.indexOf(OUT_OF_PROC_DATA);
  if (marker >= 0) {
    try {
      const state = JSON.parse(message.slice(marker + OUT_OF_PROC_DATA.length)) as WireState;
      return { ...state, isDone: false, error: state.error ?? message.slice(0, marker).trim() };
    } catch {
      // Not the library's format after all: report the raw message below.
    }
  }
  return { isDone: false, actions: [], error: message };
}
