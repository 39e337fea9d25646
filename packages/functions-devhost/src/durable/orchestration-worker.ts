/**
 * Runs an instance's pending messages, one episode per completion, under a lease on the instance row.
 * Each episode ends in one checkpoint transaction in the instance's partition: the new history chunk,
 * the instance row (conditional on the lease's ETag), the consumed message's deletion, and the work the
 * episode decided (activities, timers, outbox rows). A crash before the checkpoint replays the episode;
 * a crash after it loses nothing.
 */
import { randomUUID } from "node:crypto";
import type { TransactionAction } from "@azure/data-tables";
import { decide, hostBookkeeping, type Decision, type EpisodeSubject } from "./decide";
import { findFunction, type EngineContext } from "./engine-context";
import { runEpisode } from "./episode";
import { completedTaskId, EventType, historyEvent, type HistoryEvent } from "./history";
import { viewHistory, type HistoryView } from "./history-view";
import { isTerminal } from "./instances";
import {
  INSTANCE_ROW,
  instanceEntity,
  isStorageStatus,
  WORK_PREFIX,
  workEntity,
  type InstanceRecord,
  type NewWorkItem,
  type WorkItem,
} from "./store";
import { encodeKey } from "./table-values";
import { startMessage } from "./work-items";

/** Episodes per lease before letting other instances (and engines) have a turn. */
const MAX_EPISODES_PER_CLAIM = 200;
/** Messages dropped per checkpoint at most (a transaction holds 100 operations). */
const MAX_DROPS_PER_COMMIT = 50;

type MessageItem = Extract<WorkItem, { kind: "message" }>;

/** What to do with the pending messages: the next one to act on, and those that are obsolete. */
interface Triage {
  readonly next?: MessageItem;
  readonly obsolete: MessageItem[];
}

/**
 * Whether `item` was sent to an earlier run under this instance id (the id was started again, perhaps
 * after a purge, while that run's work was in flight). Generations alone cannot tell: they restart from
 * 0 after a purge. A later generation of a different execution is the next run's start (continue-as-new),
 * which is not stale.
 */
function isFromOtherRun(record: InstanceRecord, item: MessageItem): boolean {
  return (
    item.executionId !== undefined &&
    item.executionId !== record.executionId &&
    item.generation <= record.generation
  );
}

function triage(record: InstanceRecord, view: HistoryView, messages: readonly MessageItem[]): Triage {
  const obsolete: MessageItem[] = [];
  let next: MessageItem | undefined;
  const terminal = isTerminal(record.runtimeStatus);
  for (const item of messages) {
    const { message } = item;
    if (
      terminal ||
      (item.generation !== -1 && item.generation < record.generation) ||
      isFromOtherRun(record, item)
    ) {
      obsolete.push(item);
      continue;
    }
    if (next || item.generation > record.generation) continue;
    if (message.type === "terminate") next = item;
    else if (message.type === "suspend") {
      if (record.runtimeStatus === "Suspended") obsolete.push(item);
      else next = item;
    } else if (message.type === "resume") {
      if (record.runtimeStatus === "Suspended") next = item;
      else obsolete.push(item);
    } else if (message.type !== "event" || record.runtimeStatus === "Suspended") {
      continue;
    } else if (message.event.EventType === EventType.ExecutionStarted) {
      if (view.started) obsolete.push(item);
      else next = item;
    } else if (!view.started) {
      continue;
    } else {
      const taskId = completedTaskId(message.event);
      if (taskId === undefined) next = item;
      else if (view.completedIds.has(taskId)) obsolete.push(item);
      // A completion of a task not yet in history waits: a replay after a crash schedules it again.
      else if (view.scheduledById.has(taskId)) next = item;
    }
  }
  return { next, obsolete };
}

/** Applies a management message (terminate, suspend, resume) without running the orchestrator. */
function controlDecision(
  record: InstanceRecord,
  view: HistoryView,
  item: MessageItem,
  nowMs: number,
): Decision {
  const { message } = item;
  if (message.type === "terminate") {
    return {
      events: [
        historyEvent(EventType.ExecutionTerminated, nowMs, { Input: JSON.stringify(message.reason ?? "") }),
      ],
      work: [],
      runtimeStatus: "Terminated",
      output: message.reason ?? "",
      customStatus: record.customStatus,
    };
  }
  const suspend = message.type === "suspend";
  return {
    events: [
      historyEvent(suspend ? EventType.ExecutionSuspended : EventType.ExecutionResumed, nowMs, {
        Reason: message.type === "event" ? undefined : message.reason,
      }),
    ],
    work: [],
    runtimeStatus: suspend ? "Suspended" : view.started ? "Running" : "Pending",
    output: record.output,
    customStatus: record.customStatus,
  };
}

async function episodeDecision(
  ctx: EngineContext,
  record: InstanceRecord,
  history: readonly HistoryEvent[],
  view: HistoryView,
  delivered: HistoryEvent,
  nowMs: number,
): Promise<{ inputEvents: HistoryEvent[]; decision: Decision }> {
  const subject: EpisodeSubject = {
    instanceId: record.instanceId,
    name: record.name,
    generation: record.generation,
    executionId: record.executionId,
    parent: record.parent,
  };
  const bookkeeping = hostBookkeeping(subject, view, delivered, nowMs);
  const inputEvents = [historyEvent(EventType.OrchestratorStarted, nowMs), delivered, ...bookkeeping.events];
  const fullHistory = [...history, ...inputEvents];
  const orchestrator = findFunction(ctx.registry, record.name, "orchestrationTrigger");
  ctx.stats.episodes += 1;
  const result = orchestrator
    ? await runEpisode({
        orchestrator,
        instanceId: record.instanceId,
        parentInstanceId: record.parent?.instanceId,
        history: fullHistory,
        input: record.input,
      })
    : {
        isDone: false,
        actions: [],
        output: undefined,
        customStatus: undefined,
        error: `The function '${record.name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      };
  const decision = decide(subject, viewHistory(fullHistory), result, nowMs);
  return { inputEvents, decision: { ...decision, work: [...bookkeeping.work, ...decision.work] } };
}

/** Work a run of episodes wrote that the caller can start at once instead of waiting for a poll. */
export interface DecidedWork {
  readonly outbox: NewWorkItem[];
  /** Activity rows with the ETags they were written with (claimable without reading them again). */
  readonly activities: Extract<WorkItem, { kind: "activity" }>[];
}

/**
 * Processes `instanceId`'s visible messages if no other engine holds its lease. Returns the work it
 * wrote, for the caller to start at once.
 */
export async function processInstance(ctx: EngineContext, instanceId: string): Promise<DecidedWork> {
  const { store, clock } = ctx;
  const decided: DecidedWork = { outbox: [], activities: [] };
  const stored = await store.getInstance(instanceId);
  if (!stored) {
    await dropOrphanMessages(ctx, instanceId);
    return decided;
  }
  let record = stored.record;
  let now = clock.now();
  if (record.leaseOwner && record.leaseOwner !== ctx.workerId && record.leaseUntilMs > now) return decided;
  let etag: string;
  ctx.assertAlive();
  try {
    record = { ...record, leaseOwner: ctx.workerId, leaseUntilMs: now + ctx.leaseClockMs };
    etag = await store.replaceInstance(record, stored.etag);
  } catch (error) {
    if (isStorageStatus(error, 412, 404)) return decided;
    throw error;
  }
  try {
    for (let round = 0; round < MAX_EPISODES_PER_CLAIM; round++) {
      // Each round ends in a checkpoint, so a stopping engine can leave the rest to the next one.
      if (round > 0 && ctx.isStopping()) break;
      now = clock.now();
      const messages = (await store.listWork(instanceId, WORK_PREFIX.message))
        .filter((item): item is MessageItem => item.kind === "message" && item.visibleAtMs <= now)
        .sort((a, b) => a.visibleAtMs - b.visibleAtMs || (a.rowKey < b.rowKey ? -1 : 1));
      const history = await ctx.history.get(record);
      const view = viewHistory(history);
      const { next, obsolete } = triage(record, view, messages);
      const drops: TransactionAction[] = obsolete
        .slice(0, MAX_DROPS_PER_COMMIT)
        .map((item) => ["delete", { partitionKey: encodeKey(instanceId), rowKey: item.rowKey }]);
      if (!next) {
        if (drops.length > 0) {
          ctx.assertAlive();
          await store.commit([], drops);
          if (obsolete.length > MAX_DROPS_PER_COMMIT) continue;
        }
        break;
      }
      const { inputEvents, decision } =
        next.message.type === "event"
          ? await episodeDecision(ctx, record, history, view, next.message.event, now)
          : { inputEvents: [], decision: controlDecision(record, view, next, now) };
      const events = [...inputEvents, ...decision.events];
      const work = [...decision.work];
      let updated: InstanceRecord = {
        ...record,
        runtimeStatus: decision.runtimeStatus,
        output: decision.output,
        customStatus: decision.customStatus,
        updatedAtMs: now,
        historyChunks: record.historyChunks + 1,
        leaseUntilMs: now + ctx.leaseClockMs,
      };
      if (decision.continueAsNew) {
        const run = { generation: record.generation + 1, executionId: randomUUID().replace(/-/g, "") };
        const started = historyEvent(EventType.ExecutionStarted, now, {
          Name: record.name,
          Input: JSON.stringify(decision.continueAsNew.input ?? null),
          InstanceId: instanceId,
        });
        work.push(startMessage(instanceId, run, started, now));
        updated = {
          ...updated,
          ...run,
          historyChunks: 0,
          input: decision.continueAsNew.input,
          output: undefined,
        };
      }
      const final: TransactionAction[] = [
        ["create", store.historyChunk(instanceId, record.generation, record.historyChunks, events)],
        ["update", instanceEntity(updated), "Replace", { etag }],
        ["delete", { partitionKey: encodeKey(instanceId), rowKey: next.rowKey }],
        ...drops,
      ];
      const prepared: TransactionAction[] = work.map((item) => ["upsert", workEntity(item), "Replace"]);
      ctx.assertAlive();
      const etags = await store.commit(prepared, final);
      etag = etags.get(INSTANCE_ROW) ?? (await store.getInstance(instanceId))?.etag ?? "";
      if (decision.continueAsNew) ctx.history.forget(instanceId);
      else ctx.history.appended(updated, events, history);
      record = updated;
      for (const item of work) {
        const written = etags.get(item.rowKey);
        if (item.kind === "message") ctx.sent(item.instanceId, item.rowKey, item.visibleAtMs);
        else if (item.kind === "outbox") decided.outbox.push(item);
        else if (item.kind === "activity" && written) decided.activities.push({ ...item, etag: written });
        else if (item.kind === "activity") ctx.wake();
      }
    }
  } catch (error) {
    if (isStorageStatus(error, 412)) {
      ctx.log("warning", `instance ${instanceId}: lease lost to another engine; its checkpoint is theirs`);
      return decided;
    }
    throw error;
  } finally {
    await release(ctx, record, () => etag);
  }
  return decided;
}

/**
 * Deletes messages for an instance that does not exist (purged; a late delivery from one of its
 * children): nothing will read them. They are listed before the instance is looked up again, so a new
 * run started meanwhile under the id (its row and its start message are written together) keeps its
 * start message; each deletion is conditional on the row being the one listed.
 */
async function dropOrphanMessages(ctx: EngineContext, instanceId: string): Promise<void> {
  const messages = await ctx.store.listWork(instanceId, WORK_PREFIX.message);
  if (messages.length === 0 || (await ctx.store.getInstance(instanceId))) return;
  for (const item of messages) {
    ctx.assertAlive();
    await ctx.store.deleteRow(instanceId, item.rowKey, item.etag);
  }
}

async function release(ctx: EngineContext, record: InstanceRecord, etag: () => string): Promise<void> {
  try {
    ctx.assertAlive();
    await ctx.store.replaceInstance({ ...record, leaseOwner: undefined, leaseUntilMs: 0 }, etag());
  } catch {
    // Lease kept or lost: it expires by itself.
  }
}
