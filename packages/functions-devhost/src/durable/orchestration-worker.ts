/**
 * Runs an instance's pending messages, one episode per completion, under a lease on the instance row.
 * Each episode ends in one checkpoint transaction in the instance's partition: the new history chunk,
 * the instance row (conditional on the lease's ETag), the consumed message's deletion, and the work the
 * episode decided (activities, timers, outbox rows). A crash before the checkpoint replays the episode;
 * a crash after it loses nothing.
 *
 * The engine keeps an instance's lease after its checkpoint, as the Azure Storage backend keeps owning a
 * control queue's partition between messages: each checkpoint extends it, the next episode needs no
 * write to take it while it has time left, and a stopping engine gives back the leases it holds. A
 * killed engine's leases run out after `leaseMs`, and another engine carries on.
 */
import { randomUUID } from "node:crypto";
import type { TableAction } from "./table-entities";
import { writeHandedResults } from "./activity-worker";
import { decide, hostBookkeeping, type Decision, type EpisodeSubject } from "./decide";
import { findFunction, ownLeaseLasts, type EngineContext } from "./engine-context";
import { runEpisode } from "./episode";
import { completedTaskId, EventType, historyEvent, type HistoryEvent } from "./history";
import { viewHistory, type HistoryView } from "./history-view";
import { isTerminal } from "./instances";
import {
  INSTANCE_ROW,
  instanceMergeEntity,
  isStorageStatus,
  WORK_PREFIX,
  workEntity,
  type InstanceHead,
  type InstanceValues,
  type NewMessage,
  type NewWorkItem,
  type WorkItem,
} from "./store";
import { encodeKey } from "./table-values";
import type { KnownHead } from "./instance-heads";
import { startMessage } from "./work-items";

/** Episodes per lease before letting other instances (and engines) have a turn. */
const MAX_EPISODES_PER_CLAIM = 200;
/** Messages dropped per checkpoint at most (a transaction holds 100 operations). */
const MAX_DROPS_PER_COMMIT = 50;

/** What to do with the pending messages: the next one to act on, and those that are obsolete. */
interface Triage {
  readonly next?: NewMessage;
  readonly obsolete: NewMessage[];
}

/**
 * Whether `item` was sent to an earlier run under this instance id (the id was started again, perhaps
 * after a purge, while that run's work was in flight). Generations alone cannot tell: they restart from
 * 0 after a purge. A later generation of a different execution is the next run's start (continue-as-new),
 * which is not stale.
 */
function isFromOtherRun(record: InstanceHead, item: NewMessage): boolean {
  return (
    item.executionId !== undefined &&
    item.executionId !== record.executionId &&
    item.generation <= record.generation
  );
}

function triage(record: InstanceHead, view: HistoryView, messages: readonly NewMessage[]): Triage {
  const obsolete: NewMessage[] = [];
  let next: NewMessage | undefined;
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

/**
 * Applies a management message (terminate, suspend, resume) without running the orchestrator. The
 * custom status stays as the last episode left it; a termination's reason becomes the output.
 */
function controlDecision(
  view: HistoryView,
  item: NewMessage,
  nowMs: number,
): { decision: Decision; values: InstanceValues } {
  const { message } = item;
  if (message.type === "terminate") {
    return {
      decision: {
        events: [
          historyEvent(EventType.ExecutionTerminated, nowMs, { Input: JSON.stringify(message.reason ?? "") }),
        ],
        work: [],
        runtimeStatus: "Terminated",
      },
      values: { output: { value: message.reason ?? "" } },
    };
  }
  const suspend = message.type === "suspend";
  return {
    decision: {
      events: [
        historyEvent(suspend ? EventType.ExecutionSuspended : EventType.ExecutionResumed, nowMs, {
          Reason: message.type === "event" ? undefined : message.reason,
        }),
      ],
      work: [],
      runtimeStatus: suspend ? "Suspended" : view.started ? "Running" : "Pending",
    },
    values: {},
  };
}

/** Row keys of the rows `actions` delete. */
const rowKeysOf = (actions: readonly TableAction[]) => actions.map(([, entity]) => entity.rowKey);

/** A checkpoint deleted these rows of the instance: messages of its inbox, or work rows of results handed to it. */
function consumed(ctx: EngineContext, instanceId: string, rowKeys: readonly string[]): void {
  ctx.inbox.deleted(instanceId, rowKeys);
  ctx.handed.consumed(instanceId, rowKeys);
}

/**
 * The instance's message rows: as this engine knows them when every message since its last listing is
 * one it wrote itself (`inbox-cache.ts`), else listed.
 */
async function inboxOf(ctx: EngineContext, instanceId: string): Promise<NewMessage[]> {
  const known = ctx.inbox.get(instanceId);
  if (known) return known;
  // A failed listing leaves the inbox unknown: processInstance forgets it on any error.
  ctx.inbox.listing(instanceId);
  const listed = (await ctx.store.listWork(instanceId, WORK_PREFIX.message)).filter(
    (item): item is Extract<WorkItem, { kind: "message" }> => item.kind === "message",
  );
  ctx.inbox.listed(instanceId, listed);
  // With whatever this engine wrote while the listing was in flight.
  return ctx.inbox.get(instanceId) ?? listed;
}

/**
 * The run's input, from its `ExecutionStarted` event (which carries it, as in the Durable Task
 * history), so an episode never reads the instance row's copy of it.
 */
function inputOf(history: readonly HistoryEvent[]): unknown {
  const started = history.find((event) => event.EventType === EventType.ExecutionStarted);
  return started?.Input === undefined ? undefined : (JSON.parse(started.Input) as unknown);
}

async function episodeDecision(
  ctx: EngineContext,
  record: InstanceHead,
  history: readonly HistoryEvent[],
  view: HistoryView,
  delivered: HistoryEvent,
  nowMs: number,
): Promise<{ inputEvents: HistoryEvent[]; decision: Decision; values: InstanceValues }> {
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
        input: inputOf(fullHistory),
      })
    : {
        isDone: false,
        actions: [],
        output: undefined,
        customStatus: undefined,
        error: `The function '${record.name}' doesn't exist, is disabled, or is not an orchestrator function.`,
      };
  const decision = decide(subject, viewHistory(fullHistory), result, nowMs);
  return {
    inputEvents,
    decision: { ...decision, work: [...bookkeeping.work, ...decision.work] },
    // An episode reports the whole custom status it set (none: none), and its output once it ends.
    values: { output: { value: decision.output }, customStatus: { value: decision.customStatus } },
  };
}

/** Work a run of episodes wrote that the caller can start at once instead of waiting for a poll. */
export interface DecidedWork {
  readonly outbox: NewWorkItem[];
  /** Activity rows, leased to this engine, with the ETags they were written with. */
  readonly activities: Extract<WorkItem, { kind: "activity" }>[];
}

/**
 * Processes `instanceId`'s visible messages if no other engine holds its lease. Returns the work it
 * wrote, for the caller to start at once.
 *
 * The instance row is read and leased without its JSON values (input, output, custom status): the
 * input comes from the history's `ExecutionStarted` event, and each checkpoint merges only the values
 * it changes. A large input (a batch, a plan) is then written once and never read back by the engine.
 */
export async function processInstance(ctx: EngineContext, instanceId: string): Promise<DecidedWork> {
  const { store, clock } = ctx;
  const decided: DecidedWork = { outbox: [], activities: [] };
  const claimed = await claim(ctx, instanceId);
  if (!claimed) {
    await writeHandedResults(ctx, instanceId);
    return decided;
  }
  let { head: record, etag } = claimed;
  let now = clock.now();
  // Whether the instance is left as its last checkpoint wrote it (the lease kept, the head remembered).
  let settled = false;
  try {
    for (let round = 0; round < MAX_EPISODES_PER_CLAIM; round++) {
      // Each round ends in a checkpoint, so a stopping engine can leave the rest to the next one.
      if (round > 0 && ctx.isStopping()) break;
      now = clock.now();
      // With the activity results handed to it in memory (recorded by this round's checkpoint).
      const messages = [...(await inboxOf(ctx, instanceId)), ...ctx.handed.messagesOf(instanceId)]
        .filter((item) => item.visibleAtMs <= now)
        .sort((a, b) => a.visibleAtMs - b.visibleAtMs || (a.rowKey < b.rowKey ? -1 : 1));
      const history = await ctx.history.get(record);
      const view = viewHistory(history);
      const { next, obsolete } = triage(record, view, messages);
      const drops: TableAction[] = obsolete
        .slice(0, MAX_DROPS_PER_COMMIT)
        .map((item) => ["delete", { partitionKey: encodeKey(instanceId), rowKey: item.rowKey }]);
      if (!next) {
        if (drops.length > 0) {
          ctx.assertAlive();
          await store.commit([], drops);
          consumed(ctx, instanceId, rowKeysOf(drops));
          if (obsolete.length > MAX_DROPS_PER_COMMIT) continue;
        }
        // A running instance keeps the lease this run took; a finished one gives it back (below).
        settled = !isTerminal(record.runtimeStatus);
        break;
      }
      const { inputEvents, decision, values } =
        next.message.type === "event"
          ? await episodeDecision(ctx, record, history, view, next.message.event, now)
          : { inputEvents: [], ...controlDecision(view, next, now) };
      const events = [...inputEvents, ...decision.events];
      const work = [...decision.work];
      // Nothing but this message (and the obsolete ones this checkpoint drops) was waiting: no round of
      // reads follows. A message arriving meanwhile is processed again by whoever sends or polls it (the
      // engine runs a busy instance once more after its current run).
      const lastRound = messages.length === 1 + obsolete.length && obsolete.length <= MAX_DROPS_PER_COMMIT;
      const finished = isTerminal(decision.runtimeStatus);
      let updated: InstanceHead = {
        ...record,
        runtimeStatus: decision.runtimeStatus,
        updatedAtMs: now,
        historyChunks: record.historyChunks + 1,
        // A finished run needs no owner; a running one stays this engine's.
        leaseOwner: finished ? undefined : ctx.workerId,
        leaseUntilMs: finished ? 0 : now + ctx.leaseClockMs,
      };
      let written = values;
      if (decision.continueAsNew) {
        const run = { generation: record.generation + 1, executionId: randomUUID().replace(/-/g, "") };
        const started = historyEvent(EventType.ExecutionStarted, now, {
          Name: record.name,
          Input: JSON.stringify(decision.continueAsNew.input ?? null),
          InstanceId: instanceId,
        });
        work.push(startMessage(instanceId, run, started, now));
        updated = { ...updated, ...run, historyChunks: 0 };
        written = { ...values, input: { value: decision.continueAsNew.input }, output: { value: undefined } };
      }
      const final: TableAction[] = [
        ["create", store.historyChunk(instanceId, record.generation, record.historyChunks, events)],
        ["update", instanceMergeEntity(updated, written), "Merge", { etag }],
        ["delete", { partitionKey: encodeKey(instanceId), rowKey: next.rowKey }],
        ...drops,
      ];
      // Activities are written leased to this engine, which starts them as soon as the checkpoint is in
      // (or queues them for its next free slot): no second write to take them.
      const leased = work.map((item) =>
        item.kind === "activity"
          ? { ...item, leaseOwner: ctx.workerId, visibleAtMs: now + ctx.leaseClockMs }
          : item,
      );
      const prepared: TableAction[] = leased.map((item) => ["upsert", workEntity(item), "Replace"]);
      ctx.assertAlive();
      const etags = await store.commit(prepared, final);
      etag = etags.get(INSTANCE_ROW) ?? (await store.getInstanceHead(instanceId))?.etag ?? "";
      ctx.heads.remember(instanceId, { head: updated, etag, values: valuesWritten(written) });
      if (decision.continueAsNew) ctx.history.forget(instanceId);
      else ctx.history.appended(updated, events, history);
      consumed(ctx, instanceId, [next.rowKey, ...rowKeysOf(drops)]);
      record = updated;
      for (const item of leased) {
        if (item.kind === "message") {
          ctx.inbox.written(item);
          ctx.sent(item.instanceId, item.rowKey, item.visibleAtMs);
        } else if (item.kind === "outbox") decided.outbox.push(item);
        // An ETag the service did not report: the row is this engine's own, taken unconditionally.
        else decided.activities.push({ ...item, etag: etags.get(item.rowKey) ?? "*" });
      }
      if (lastRound) {
        settled = !isTerminal(record.runtimeStatus);
        break;
      }
    }
  } catch (error) {
    ctx.heads.forget(instanceId);
    ctx.inbox.forget(instanceId);
    // 409: another engine wrote this episode's history chunk first (it took the instance over); 404:
    // it recorded the result of an activity whose work row this checkpoint was to delete.
    if (isStorageStatus(error, 412, 409, 404)) {
      ctx.log("warning", `instance ${instanceId}: lease lost to another engine; its checkpoint is theirs`);
      return decided;
    }
    throw error;
  } finally {
    // Finished, stopped early (the engine stopping, the episode limit) or failed: the lease goes back at
    // once; a finished run's last checkpoint gave it back already.
    if (!settled) {
      if (record.leaseOwner === ctx.workerId) await release(ctx, record, () => etag);
      else ctx.inbox.forget(instanceId);
      // Whoever takes the instance next must find them in storage.
      await writeHandedResults(ctx, instanceId);
    }
  }
  return decided;
}

/**
 * Takes the instance's lease. An instance whose row this engine wrote last (a checkpoint, a release, its
 * creation) is taken as remembered, with no request: every episode ends in a checkpoint conditional on
 * that row's ETag, which also writes the lease, so anyone's change since (another engine's claim once
 * this engine's lease ran out, a rewind) fails it with 412 and this engine's episode counts for nothing.
 * An episode decides only what its checkpoint writes, so running one on a row that turns out to have
 * changed costs time, never a wrong result. Otherwise the row is read and, unless another engine's lease
 * on it lasts, taken with a conditional write. `undefined` when the instance is gone (its orphan messages
 * then dropped) or another engine holds the lease.
 */
async function claim(ctx: EngineContext, instanceId: string): Promise<KnownHead | undefined> {
  const now = ctx.clock.now();
  const remembered = ctx.heads.get(instanceId);
  if (remembered && !isLeasedByAnother(ctx, remembered.head, now)) return remembered;
  const stored = await ctx.store.getInstanceHead(instanceId);
  if (!stored) {
    await dropOrphanMessages(ctx, instanceId);
    return undefined;
  }
  if (isLeasedByAnother(ctx, stored.head, now)) return undefined;
  const head = { ...stored.head, leaseOwner: ctx.workerId, leaseUntilMs: now + ctx.leaseClockMs };
  ctx.assertAlive();
  try {
    const lease = { owner: ctx.workerId, untilMs: head.leaseUntilMs };
    return { head, etag: await ctx.store.setLease(instanceId, lease, stored.etag) };
  } catch (error) {
    if (isStorageStatus(error, 412, 404)) return undefined;
    throw error;
  }
}

/** The output and custom status a checkpoint wrote, when it wrote both (an episode's always does). */
function valuesWritten(written: InstanceValues): KnownHead["values"] {
  const { output, customStatus } = written;
  return output && customStatus ? { output: output.value, customStatus: customStatus.value } : undefined;
}

/** The instance row's lease. */
const leaseOf = (head: InstanceHead) => ({ owner: head.leaseOwner, untilMs: head.leaseUntilMs });

function isLeasedByAnother(ctx: EngineContext, head: InstanceHead, nowMs: number): boolean {
  return head.leaseOwner !== undefined && head.leaseOwner !== ctx.workerId && head.leaseUntilMs > nowMs;
}

/**
 * Deletes messages for an instance that does not exist (purged; a late delivery from one of its
 * children): nothing will read them. They are listed before the instance is looked up again, so a new
 * run started meanwhile under the id (its row and its start message are written together) keeps its
 * start message; each deletion is conditional on the row being the one listed.
 */
async function dropOrphanMessages(ctx: EngineContext, instanceId: string): Promise<void> {
  ctx.inbox.forget(instanceId);
  const messages = await ctx.store.listWork(instanceId, WORK_PREFIX.message);
  if (messages.length === 0 || (await ctx.store.getInstance(instanceId))) return;
  for (const item of messages) {
    ctx.assertAlive();
    await ctx.store.deleteRow(instanceId, item.rowKey, item.etag);
  }
}

/**
 * Gives back the leases this engine holds on instances it is not processing (a stopping engine's), so
 * another engine can take them at once instead of after `leaseMs`.
 */
export async function releaseHeldLeases(ctx: EngineContext, busy: ReadonlySet<string>): Promise<void> {
  const now = ctx.clock.now();
  const held = ctx.heads
    .entries()
    .filter(([id, known]) => !busy.has(id) && ownLeaseLasts(ctx, leaseOf(known.head), now));
  await Promise.all(held.map(([, known]) => release(ctx, known.head, () => known.etag)));
}

async function release(ctx: EngineContext, head: InstanceHead, etag: () => string): Promise<void> {
  // Another engine may take the instance now and consume its messages.
  ctx.inbox.forget(head.instanceId);
  try {
    ctx.assertAlive();
    const released = await ctx.store.setLease(head.instanceId, { untilMs: 0 }, etag());
    ctx.heads.remember(head.instanceId, {
      head: { ...head, leaseOwner: undefined, leaseUntilMs: 0 },
      etag: released,
    });
  } catch {
    // Lease kept or lost: it expires by itself.
    ctx.heads.forget(head.instanceId);
  }
}
