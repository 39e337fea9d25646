/**
 * The task hub's durable state in one Azure Table (`<hub>Devhost`), one partition per instance:
 * the instance row (`i`), history chunks (`h-<generation>-<seq>`, one per episode), and work rows
 * (`wm-` messages to the orchestration, `wa-` activity work items, `wo-` outbox deliveries to other
 * instances). Keeping an instance's history, its inbox and its outgoing work in one partition lets each
 * checkpoint be one atomic entity-group transaction.
 */
import type { RuntimeStatus } from "../contracts";
import { tableAccountOf } from "../storage-connection";
import type { HistoryEvent } from "./history";
import { LargePayloads } from "./large-payloads";
import { odata, type TableAction, type TableEntity } from "./table-entities";
import { TableRest } from "./table-rest";
import { encodeKey, jsonColumns, packJson, pad, sortableTime, unpackJson } from "./table-values";

/**
 * One run of an instance: the generation (storage rows) and the execution id. An instance id can be
 * used again (start over a finished run, or after a purge, when generations restart from 0), so only
 * the execution id tells a new run's work from what an old run left in flight.
 */
export interface RunRef {
  readonly generation: number;
  /** Empty for rows written before runs carried it. */
  readonly executionId: string;
}

/** Where a sub-orchestration reports back: the parent's run and the task that started it. */
export interface ParentRef extends RunRef {
  readonly instanceId: string;
  readonly taskId: number;
}

/** The instance row. */
export interface InstanceRecord {
  readonly instanceId: string;
  readonly name: string;
  readonly runtimeStatus: RuntimeStatus;
  /** Storage generation: bumped by continue-as-new, restart and rewind (history rows are per generation). */
  readonly generation: number;
  readonly executionId: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly input: unknown;
  readonly output: unknown;
  readonly customStatus: unknown;
  readonly parent?: ParentRef;
  /** History chunk rows written in this generation. */
  readonly historyChunks: number;
  readonly leaseOwner?: string;
  readonly leaseUntilMs: number;
}

/** A stored instance row with its ETag (for optimistic concurrency). */
export interface StoredInstance {
  readonly record: InstanceRecord;
  readonly etag: string;
}

/** A message for an orchestration: an event to append, or a management operation. */
export type OrchestrationMessage =
  | { readonly type: "event"; readonly event: HistoryEvent }
  | { readonly type: "terminate" | "suspend" | "resume"; readonly reason?: string };

/** An activity call waiting for (or leased by) a worker. */
export interface ActivityWork {
  readonly name: string;
  readonly input: unknown;
  readonly taskId: number;
}

/** Work for another partition, done after the checkpoint that decided it (at least once, idempotently). */
export type OutboxWork =
  | {
      readonly type: "startChild";
      readonly instanceId: string;
      readonly name: string;
      readonly input: unknown;
      readonly parent: ParentRef;
    }
  | {
      readonly type: "deliver";
      readonly instanceId: string;
      readonly rowKey: string;
      readonly generation: number;
      /** The receiving run (absent in rows written before runs carried it). */
      readonly executionId?: string;
      readonly event: HistoryEvent;
    };

interface WorkBase {
  readonly instanceId: string;
  readonly rowKey: string;
  /** The generation the work belongs to; -1 for messages that follow the instance across generations. */
  readonly generation: number;
  /**
   * The run the work belongs to; absent for messages that follow the instance from run to run (raised
   * events, terminate, suspend, resume), as the real host hands them to the latest execution.
   */
  readonly executionId?: string;
  readonly visibleAtMs: number;
  readonly etag: string;
}

/** One work row. */
export type WorkItem =
  | (WorkBase & { readonly kind: "message"; readonly message: OrchestrationMessage })
  | (WorkBase & { readonly kind: "activity"; readonly activity: ActivityWork; readonly leaseOwner?: string })
  | (WorkBase & { readonly kind: "outbox"; readonly outbox: OutboxWork });

/** A work row to write: {@link WorkItem} without what storage assigns. */
export type NewWorkItem =
  | Omit<Extract<WorkItem, { kind: "message" }>, "etag">
  | Omit<Extract<WorkItem, { kind: "activity" }>, "etag">
  | Omit<Extract<WorkItem, { kind: "outbox" }>, "etag">;

/** A message row to write. */
export type NewMessage = Extract<NewWorkItem, { kind: "message" }>;

export const INSTANCE_ROW = "i";
export const WORK_PREFIX = { message: "wm-", activity: "wa-", outbox: "wo-" } as const;
/** An entity-group transaction holds at most 100 operations. */
const MAX_TRANSACTION_OPS = 100;

/** Row key of history chunk `seq` of `generation`. */
export function historyRowKey(generation: number, seq: number): string {
  return `h-${pad(generation, 6)}-${pad(seq)}`;
}

/** The instance row without its JSON values: what leases and the engine's bookkeeping read and write. */
export type InstanceHead = Omit<InstanceRecord, "input" | "output" | "customStatus">;

/** The instance row's columns other than its JSON values (`input…`, `output…`, `customStatus…`). */
const INSTANCE_HEAD_COLUMNS = [
  "instanceId",
  "name",
  "runtimeStatus",
  "generation",
  "executionId",
  "createdAt",
  "updatedAt",
  "historyChunks",
  "leaseOwner",
  "leaseUntil",
  "parentInstanceId",
  "parentTaskId",
  "parentGeneration",
  "parentExecutionId",
];

/** The instance row's columns but its input. */
const INSTANCE_WITHOUT_INPUT_COLUMNS = [
  ...INSTANCE_HEAD_COLUMNS,
  ...jsonColumns("output"),
  ...jsonColumns("customStatus"),
];

/** The instance row's columns other than its JSON values. */
function instanceHeadEntity(record: InstanceHead): Record<string, unknown> {
  const entity: Record<string, unknown> = {
    partitionKey: encodeKey(record.instanceId),
    rowKey: INSTANCE_ROW,
    instanceId: record.instanceId,
    name: record.name,
    runtimeStatus: record.runtimeStatus,
    generation: record.generation,
    executionId: record.executionId,
    createdAt: sortableTime(record.createdAtMs),
    updatedAt: sortableTime(record.updatedAtMs),
    historyChunks: record.historyChunks,
    leaseOwner: record.leaseOwner ?? "",
    leaseUntil: sortableTime(record.leaseUntilMs),
  };
  if (record.parent) {
    entity.parentInstanceId = record.parent.instanceId;
    entity.parentTaskId = record.parent.taskId;
    entity.parentGeneration = record.parent.generation;
    entity.parentExecutionId = record.parent.executionId;
  }
  return entity;
}

/** Builds the whole entity of an instance row (written with `Replace`). */
export function instanceEntity(record: InstanceRecord): TableEntity {
  const entity = instanceHeadEntity(record);
  packJson(entity, "input", record.input);
  packJson(entity, "output", record.output);
  packJson(entity, "customStatus", record.customStatus);
  return entity as TableEntity;
}

/** The JSON values a checkpoint changes; a value left out keeps what the row holds. */
export interface InstanceValues {
  readonly input?: { readonly value: unknown };
  readonly output?: { readonly value: unknown };
  readonly customStatus?: { readonly value: unknown };
}

/**
 * The entity that updates an instance row with `Merge`: its head and only the values given. An
 * episode's checkpoint leaves the input alone, so a large input is written once, not every episode.
 * A value written shorter than before leaves stale parts behind, which `…Parts` tells readers to ignore.
 */
export function instanceMergeEntity(head: InstanceHead, values: InstanceValues): TableEntity {
  const entity = instanceHeadEntity(head);
  if (values.input) packJson(entity, "input", values.input.value);
  if (values.output) packJson(entity, "output", values.output.value);
  if (values.customStatus) packJson(entity, "customStatus", values.customStatus.value);
  return entity as TableEntity;
}

function instanceHeadFromEntity(entity: Record<string, unknown>): InstanceHead {
  const parentInstanceId = entity.parentInstanceId as string | undefined;
  return {
    instanceId: String(entity.instanceId),
    name: String(entity.name),
    runtimeStatus: entity.runtimeStatus as RuntimeStatus,
    generation: Number(entity.generation),
    executionId: String(entity.executionId),
    createdAtMs: Number(entity.createdAt),
    updatedAtMs: Number(entity.updatedAt),
    parent: parentInstanceId
      ? {
          instanceId: parentInstanceId,
          taskId: Number(entity.parentTaskId),
          generation: Number(entity.parentGeneration),
          executionId: String(entity.parentExecutionId ?? ""),
        }
      : undefined,
    historyChunks: Number(entity.historyChunks),
    leaseOwner: (entity.leaseOwner as string) || undefined,
    leaseUntilMs: Number(entity.leaseUntil),
  };
}

function instanceFromEntity(entity: Record<string, unknown>): InstanceRecord {
  return {
    ...instanceHeadFromEntity(entity),
    input: unpackJson(entity, "input"),
    output: unpackJson(entity, "output"),
    customStatus: unpackJson(entity, "customStatus"),
  };
}

/** Builds the entity of a work row. */
export function workEntity(item: NewWorkItem): TableEntity {
  const entity: Record<string, unknown> = {
    partitionKey: encodeKey(item.instanceId),
    rowKey: item.rowKey,
    instanceId: item.instanceId,
    kind: item.kind,
    generation: item.generation,
    visibleAt: sortableTime(item.visibleAtMs),
  };
  if (item.executionId !== undefined) entity.executionId = item.executionId;
  if (item.kind === "activity") entity.leaseOwner = item.leaseOwner ?? "";
  packJson(
    entity,
    "payload",
    item.kind === "message" ? item.message : item.kind === "activity" ? item.activity : item.outbox,
  );
  return entity as TableEntity;
}

function workFromEntity(entity: Record<string, unknown>, etag: string): WorkItem {
  const base = {
    instanceId: String(entity.instanceId),
    rowKey: String(entity.rowKey),
    generation: Number(entity.generation),
    ...(typeof entity.executionId === "string" ? { executionId: entity.executionId } : {}),
    visibleAtMs: Number(entity.visibleAt),
    etag,
  };
  const payload = unpackJson(entity, "payload");
  switch (entity.kind) {
    case "message":
      return { ...base, kind: "message", message: payload as OrchestrationMessage };
    case "activity":
      return {
        ...base,
        kind: "activity",
        activity: payload as ActivityWork,
        leaseOwner: (entity.leaseOwner as string) || undefined,
      };
    default:
      return { ...base, kind: "outbox", outbox: payload as OutboxWork };
  }
}

/** Whether `error` is the storage service's answer `status` (404 missing, 409 exists, 412 ETag changed). */
export function isStorageStatus(error: unknown, ...statuses: number[]): boolean {
  const status = (error as { statusCode?: number } | undefined)?.statusCode;
  return status !== undefined && statuses.includes(status);
}

/** Reads and writes one task hub's table. */
export class HubStore {
  readonly table: TableRest;
  /** Values too large for a row, in blobs (see `large-payloads.ts`). */
  readonly #payloads: LargePayloads;

  constructor(connectionString: string, hubName: string) {
    if (!/^[A-Za-z][A-Za-z0-9]{2,44}$/.test(hubName)) {
      throw new RangeError(
        `task hub name "${hubName}" must be 3–45 letters and digits, starting with a letter`,
      );
    }
    this.table = new TableRest(tableAccountOf(connectionString), `${hubName}Devhost`);
    this.#payloads = new LargePayloads(connectionString, hubName);
  }

  async createIfMissing(): Promise<void> {
    await Promise.all([this.table.createTable(), this.#payloads.createIfMissing()]);
  }

  /** The entity, its large values read back from their blobs. */
  async #hydrated<T extends Record<string, unknown>>(entity: T): Promise<T> {
    await this.#payloads.hydrate(entity);
    return entity;
  }

  /** Uploads the large values of every entity an action writes; deletes carry none. */
  async #flush(actions: readonly TableAction[]): Promise<void> {
    for (const action of actions) if (action[0] !== "delete") await this.#payloads.flush(action[1]);
  }

  /**
   * The instance row. `withInput: false` leaves the input out (not transferred, parsed or read from its
   * blob): status reads that do not show it, polled often, stay small however large the input.
   */
  async getInstance(
    instanceId: string,
    { withInput = true }: { readonly withInput?: boolean } = {},
  ): Promise<StoredInstance | undefined> {
    try {
      const select = withInput ? undefined : INSTANCE_WITHOUT_INPUT_COLUMNS;
      const entity = await this.#hydrated(
        await this.table.getEntity(encodeKey(instanceId), INSTANCE_ROW, select),
      );
      return { record: instanceFromEntity(entity), etag: entity.etag };
    } catch (error) {
      if (isStorageStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** Replaces the instance row if it still has `etag`; returns the new ETag (throws 412 otherwise). */
  async replaceInstance(record: InstanceRecord, etag: string): Promise<string> {
    const entity = instanceEntity(record);
    await this.#payloads.flush(entity);
    return this.table.updateEntity(entity, "Replace", etag);
  }

  /**
   * The instance row without its JSON values (one small read: no input, output or custom status is
   * transferred, parsed or read from a blob).
   */
  async getInstanceHead(instanceId: string): Promise<{ head: InstanceHead; etag: string } | undefined> {
    try {
      const entity = await this.table.getEntity(encodeKey(instanceId), INSTANCE_ROW, INSTANCE_HEAD_COLUMNS);
      return { head: instanceHeadFromEntity(entity), etag: entity.etag };
    } catch (error) {
      if (isStorageStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /**
   * Sets the instance's lease (owner and expiry; no owner releases it) if the row still has `etag`:
   * a `Merge` of two columns. Returns the new ETag (throws 412 otherwise).
   */
  async setLease(
    instanceId: string,
    lease: { readonly owner?: string; readonly untilMs: number },
    etag: string,
  ): Promise<string> {
    const entity = {
      partitionKey: encodeKey(instanceId),
      rowKey: INSTANCE_ROW,
      leaseOwner: lease.owner ?? "",
      leaseUntil: sortableTime(lease.untilMs),
    };
    return this.table.updateEntity(entity, "Merge", etag);
  }

  /** Every work row visible at `nowMs`, across instances. */
  async listVisibleWork(nowMs: number): Promise<WorkItem[]> {
    const filter = odata`RowKey ge 'w' and RowKey lt 'x' and visibleAt le ${sortableTime(nowMs)}`;
    const items: WorkItem[] = [];
    for await (const entity of this.table.listEntities({ filter })) {
      items.push(workFromEntity(await this.#hydrated(entity), entity.etag));
    }
    return items;
  }

  /** The instance's work rows with `prefix`, in row-key order (visible or not). */
  async listWork(instanceId: string, prefix: string): Promise<WorkItem[]> {
    const filter = odata`PartitionKey eq ${encodeKey(instanceId)} and RowKey ge ${prefix} and RowKey lt ${prefixEnd(prefix)}`;
    const items: WorkItem[] = [];
    for await (const entity of this.table.listEntities({ filter })) {
      items.push(workFromEntity(await this.#hydrated(entity), entity.etag));
    }
    return items.sort((a, b) => (a.rowKey < b.rowKey ? -1 : 1));
  }

  /** History chunks `fromSeq…` of a generation, flattened in order. */
  async readHistory(instanceId: string, generation: number, fromSeq = 0): Promise<HistoryEvent[]> {
    const filter = odata`PartitionKey eq ${encodeKey(instanceId)} and RowKey ge ${historyRowKey(generation, fromSeq)} and RowKey lt ${historyRowKey(generation + 1, 0)}`;
    const chunks: { rowKey: string; events: HistoryEvent[] }[] = [];
    for await (const entity of this.table.listEntities({ filter })) {
      const hydrated = await this.#hydrated(entity);
      chunks.push({ rowKey: entity.rowKey, events: unpackJson(hydrated, "events") as HistoryEvent[] });
    }
    chunks.sort((a, b) => (a.rowKey < b.rowKey ? -1 : 1));
    return chunks.flatMap((chunk) => chunk.events);
  }

  /** A history chunk row to include in a checkpoint. */
  historyChunk(
    instanceId: string,
    generation: number,
    seq: number,
    events: readonly HistoryEvent[],
  ): TableEntity {
    const entity: Record<string, unknown> = {
      partitionKey: encodeKey(instanceId),
      rowKey: historyRowKey(generation, seq),
    };
    packJson(entity, "events", events);
    return entity as TableEntity;
  }

  /**
   * Commits `final` (at most 100 operations, atomic) after `preparatory` operations that are safe to
   * repeat (upserts of rows with deterministic keys), which go first in batches when there are many.
   * @returns the new ETags of the rows written, by row key (as far as the service reported them)
   */
  async commit(
    preparatory: readonly TableAction[],
    final: readonly TableAction[],
  ): Promise<Map<string, string>> {
    if (final.length > MAX_TRANSACTION_OPS)
      throw new RangeError(`a checkpoint holds at most ${MAX_TRANSACTION_OPS} operations`);
    const etags = new Map<string, string>();
    const all = [...preparatory, ...final];
    // Blobs first: a row is never written naming a blob that is not there yet.
    await this.#flush(all);
    if (all.length <= MAX_TRANSACTION_OPS) {
      await this.submit(all, etags);
      return etags;
    }
    for (let i = 0; i < preparatory.length; i += MAX_TRANSACTION_OPS) {
      await this.submit(preparatory.slice(i, i + MAX_TRANSACTION_OPS), etags);
    }
    await this.submit(final, etags);
    return etags;
  }

  /** Submits one transaction, noting the ETags of the rows it wrote in `etags`. */
  private async submit(actions: readonly TableAction[], etags: Map<string, string>): Promise<void> {
    const [only] = actions;
    if (only === undefined) return;
    if (actions.length === 1) {
      const etag = await this.single(only);
      if (etag) etags.set(only[1].rowKey, etag);
      return;
    }
    // A transaction answers its operations in order (an update's answer names no row).
    const answers = await this.table.submitTransaction(actions);
    answers.forEach((answer, index) => {
      const rowKey = actions[index]?.[1].rowKey;
      if (rowKey !== undefined && answer.etag) etags.set(rowKey, answer.etag);
    });
  }

  /** One operation on its own (a transaction of one costs the service more); its new ETag. */
  private async single(action: TableAction): Promise<string | undefined> {
    switch (action[0]) {
      case "create":
        return this.table.createEntity(action[1]);
      case "delete":
        await this.table.deleteEntity(action[1].partitionKey, action[1].rowKey, action[2]?.etag);
        return undefined;
      case "upsert":
        return this.table.upsertEntity(action[1], action[2] ?? "Merge");
      case "update":
        return this.table.updateEntity(action[1], action[2] ?? "Merge", action[3]?.etag);
    }
  }

  /** Puts a work row (insert or replace). */
  async putWork(item: NewWorkItem): Promise<void> {
    const entity = workEntity(item);
    await this.#payloads.flush(entity);
    await this.table.upsertEntity(entity, "Replace");
  }

  /** Replaces a work row if unchanged since `etag`; returns the new ETag. */
  async replaceWork(item: NewWorkItem, etag: string): Promise<string> {
    const entity = workEntity(item);
    await this.#payloads.flush(entity);
    return this.table.updateEntity(entity, "Replace", etag);
  }

  /**
   * Deletes a row; a row already gone is fine. With `etag`, only if the row is unchanged since it was
   * read (a row rewritten meanwhile is someone else's and stays).
   */
  async deleteRow(instanceId: string, rowKey: string, etag?: string): Promise<void> {
    try {
      await this.table.deleteEntity(encodeKey(instanceId), rowKey, etag);
    } catch (error) {
      if (!isStorageStatus(error, 404, 412)) throw error;
    }
  }

  /** Deletes every row of an instance; returns how many rows went. */
  async deletePartition(
    instanceId: string,
    keep: (rowKey: string) => boolean = () => false,
  ): Promise<number> {
    const partition = encodeKey(instanceId);
    const doomed: TableAction[] = [];
    let kept = 0;
    const filter = odata`PartitionKey eq ${partition}`;
    for await (const entity of this.table.listEntities({ filter, select: ["RowKey"] })) {
      const rowKey = entity.rowKey;
      if (!keep(rowKey)) doomed.push(["delete", { partitionKey: partition, rowKey }]);
      else kept += 1;
    }
    for (let i = 0; i < doomed.length; i += MAX_TRANSACTION_OPS) {
      await this.submit(doomed.slice(i, i + MAX_TRANSACTION_OPS), new Map());
    }
    // When the whole instance goes, its large values go too; a kept row may still name a blob.
    if (kept === 0) await this.#payloads.deleteInstance(partition);
    return doomed.length;
  }

  /** Instance rows matching an OData `filter`, one page. */
  async pageInstances(
    filter: string,
    pageSize: number,
    continuationToken: string | undefined,
  ): Promise<{ records: InstanceRecord[]; continuationToken?: string }> {
    const page = await this.table.queryPage({ filter, top: pageSize }, continuationToken);
    return {
      records: await Promise.all(
        page.entities.map(async (entity) => instanceFromEntity(await this.#hydrated(entity))),
      ),
      ...(page.continuationToken === undefined ? {} : { continuationToken: page.continuationToken }),
    };
  }
}

/** The first key after every key with `prefix`. */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/**
 * Runs a read-modify-write `attempt` again when its conditional write lost a race (412: the row changed
 * since it was read, e.g. an engine released its lease meanwhile). At most `attempts` times.
 */
export async function retryOnEtagConflict<T>(attempt: () => Promise<T>, attempts = 5): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= attempts || !isStorageStatus(error, 412)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * tries));
    }
  }
}
